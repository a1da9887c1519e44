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

package membercluster

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"k8s.io/client-go/rest"
)

// slowMember is an API server whose node and pod lists are answered only
// once listed is closed; watches stay open until the client leaves.
func slowMember(t *testing.T, listed <-chan struct{}) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		q := r.URL.Query()
		switch {
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
	return srv
}

// TestMemberWaitForSync: a member whose first list outlasts StartInformers'
// bound keeps listing; WaitForSync waits for it within its own bound, and
// Synced says when it is done.
func TestMemberWaitForSync(t *testing.T) {
	listed := make(chan struct{})
	m, err := NewMember("member", &rest.Config{Host: slowMember(t, listed).URL})
	if err != nil {
		t.Fatal(err)
	}
	short := func() context.Context {
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		t.Cleanup(cancel)
		return ctx
	}
	if m.Synced() || m.WaitForSync(short()) {
		t.Fatal("a member without informers reports them synced")
	}
	if err := m.StartInformers(short()); err == nil {
		t.Fatal("StartInformers returned before the member listed")
	}
	defer m.StopInformers()
	if m.Synced() || m.WaitForSync(short()) {
		t.Fatal("the informers report synced before the member answered the list")
	}
	close(listed)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if !m.WaitForSync(ctx) {
		t.Fatal("the informers did not sync after the member answered")
	}
	if !m.Synced() {
		t.Fatal("Synced is false after WaitForSync succeeded")
	}
	m.StopInformers()
	if m.Synced() {
		t.Fatal("stopped informers report synced")
	}
}
