/*
Copyright 2026 The Kurator Authors.

Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at

    http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and
limitations under the License.
*/

package cluster

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"k8s.io/client-go/rest"
	"k8s.io/utils/clock"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	"kurator.dev/kurator/internal/membercluster"
)

// slowListingMember is an API server with discovery whose node and pod
// lists are answered only once listed is closed.
func slowListingMember(t *testing.T, listed <-chan struct{}) *rest.Config {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		q := r.URL.Query()
		switch {
		case r.URL.Path == "/version":
			fmt.Fprint(w, `{"major":"1","minor":"37","gitVersion":"v1.37.2"}`)
		case r.URL.Path == "/api":
			fmt.Fprint(w, `{"kind":"APIVersions","versions":["v1"]}`)
		case r.URL.Path == "/apis":
			fmt.Fprint(w, `{"kind":"APIGroupList","apiVersion":"v1","groups":[]}`)
		case r.URL.Path == "/api/v1":
			fmt.Fprint(w, `{"kind":"APIResourceList","groupVersion":"v1","resources":[{"name":"nodes","namespaced":false,"kind":"Node","verbs":["list","watch"]},{"name":"pods","namespaced":true,"kind":"Pod","verbs":["list","watch"]}]}`)
		case q.Get("watch") == "true" && q.Get("sendInitialEvents") == "true":
			// No streaming lists here: the informers fall back to LIST.
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprint(w, `{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"BadRequest","code":400}`)
		case q.Get("watch") == "true":
			<-r.Context().Done()
		default:
			select {
			case <-listed:
			case <-r.Context().Done():
				return
			}
			kind := "NodeList"
			if strings.HasSuffix(r.URL.Path, "/pods") {
				kind = "PodList"
			}
			fmt.Fprintf(w, `{"kind":%q,"apiVersion":"v1","metadata":{"resourceVersion":"1"},"items":[]}`, kind)
		}
	}))
	t.Cleanup(srv.Close)
	return &rest.Config{Host: srv.URL}
}

// TestCollectorFollowsTheSyncTimeout: the bound on the first list of a
// member's nodes and pods is read when each collection starts, so a new
// cacheSyncTimeout applies to the next sync without a restart.
func TestCollectorFollowsTheSyncTimeout(t *testing.T) {
	listed := make(chan struct{})
	m, err := membercluster.NewMember("member", slowListingMember(t, listed))
	if err != nil {
		t.Fatal(err)
	}
	defer m.StopInformers()
	c := NewCollector(clock.RealClock{}, time.Minute, time.Hour)
	timeout, reads := 200*time.Millisecond, 0
	c.SetSyncTimeout(func() time.Duration {
		reads++
		return timeout
	})
	cluster := &karmadaclusterv1alpha1.Cluster{}
	cluster.Name = "member"

	start := time.Now()
	if err := c.Collect(context.Background(), cluster, m); err == nil || !strings.Contains(err.Error(), "not listed in time") {
		t.Fatalf("Collect = %v, want the sync to time out", err)
	}
	if waited := time.Since(start); waited > 20*time.Second {
		t.Fatalf("Collect waited %v: the 200ms sync timeout was not used (the fallback is an hour)", waited)
	}

	// The next collection reads the setting again; the member has listed
	// by then.
	timeout = time.Minute
	close(listed)
	if err := c.Collect(context.Background(), cluster, m); err != nil {
		t.Fatalf("Collect with a one-minute sync timeout: %v", err)
	}
	if reads != 2 {
		t.Fatalf("the sync timeout was read %d times by two collections, want 2", reads)
	}
	if cluster.Status.NodeSummary == nil {
		t.Fatal("no node summary after a successful collection")
	}
}
