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
package scheduler

import (
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	"kurator.dev/kurator/internal/scheduler/framework"
)

// Karmada starts each pass from the observed term and moves forward only
// when it cannot fit; a fresh decision (a reschedule trigger) starts from
// the first term again.
func TestClusterAffinitiesStartFromTheObservedTerm(t *testing.T) {
	p := &policyv1alpha1.Placement{ClusterAffinities: []policyv1alpha1.ClusterAffinityTerm{
		{AffinityName: "primary", ClusterAffinity: *names("cluster-hangzhou")},
		{AffinityName: "backup", ClusterAffinity: *names("cluster-shanghai")},
		{AffinityName: "last", ClusterAffinity: *names("cluster-frankfurt")},
	}}
	notReady := func(name string) []*framework.ClusterInfo {
		clusters := seedFleet()
		clusters[indexOf(clusters, name)].Cluster.Spec.Taints = []corev1.Taint{{Key: karmadaclusterv1alpha1.TaintClusterNotReady, Effect: corev1.TaintEffectNoSchedule}}
		return clusters
	}
	for _, tc := range []struct {
		name     string
		clusters []*framework.ClusterInfo
		observed string
		previous string
		fresh    bool
		want     string
		wantTerm string
	}{
		{name: "first decision", clusters: seedFleet(), want: "cluster-hangzhou:2", wantTerm: "primary"},
		{name: "primary down", clusters: notReady("cluster-hangzhou"), observed: "primary", want: "cluster-shanghai:2", wantTerm: "backup"},
		{name: "primary back, stays on backup", clusters: seedFleet(), observed: "backup", previous: "cluster-shanghai", want: "cluster-shanghai:2", wantTerm: "backup"},
		{name: "backup evicted too, moves forward only", clusters: notReady("cluster-shanghai"), observed: "backup", want: "cluster-frankfurt:2", wantTerm: "last"},
		{name: "a reschedule trigger starts again from the first", clusters: seedFleet(), observed: "backup", previous: "cluster-shanghai", fresh: true, want: "cluster-hangzhou:2", wantTerm: "primary"},
		{name: "an unknown observed term starts from the first", clusters: seedFleet(), observed: "renamed", want: "cluster-hangzhou:2", wantTerm: "primary"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := deployment(2, "100m", p)
			w.ObservedAffinity, w.Fresh = tc.observed, tc.fresh
			if tc.previous != "" {
				w.Previous = []framework.TargetCluster{{Name: tc.previous, Replicas: 2}}
			}
			res, err := schedule(t, tc.clusters, w)
			if err != nil || res.AffinityName != tc.wantTerm || render(res.Clusters) != tc.want {
				t.Fatalf("got %v on %q (%v), want %s on %q", res, res.AffinityName, err, tc.want, tc.wantTerm)
			}
		})
	}
}

func TestClusterAffinitiesExplainTheTermsNotTriedAgain(t *testing.T) {
	p := &policyv1alpha1.Placement{ClusterAffinities: []policyv1alpha1.ClusterAffinityTerm{
		{AffinityName: "primary", ClusterAffinity: *names("cluster-hangzhou")},
		{AffinityName: "backup", ClusterAffinity: *names("cluster-shanghai")},
	}}
	w := deployment(2, "100m", p)
	w.ObservedAffinity = "backup"
	res, err := schedule(t, seedFleet(), w)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Explanation.Terms) != 1 || !strings.Contains(res.Explanation.Terms[0], "term primary: not tried again") ||
		!strings.Contains(res.Explanation.Terms[0], "failback-after") {
		t.Fatalf("terms: %q", res.Explanation.Terms)
	}
}

// When every term from the observed one fails, the error is the observed
// term's (Karmada reports the first error of the pass).
func TestClusterAffinitiesFailFromTheObservedTerm(t *testing.T) {
	p := &policyv1alpha1.Placement{ClusterAffinities: []policyv1alpha1.ClusterAffinityTerm{
		{AffinityName: "primary", ClusterAffinity: *names("cluster-hangzhou")},
		{AffinityName: "backup", ClusterAffinity: *names("nowhere")},
	}}
	w := deployment(2, "100m", p)
	w.ObservedAffinity = "backup"
	_, err := schedule(t, seedFleet(), w)
	if err == nil {
		t.Fatal("scheduled onto an earlier term")
	}
}
