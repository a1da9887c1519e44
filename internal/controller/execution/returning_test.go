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

package execution

import (
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/scheme"
)

func TestReturnWait(t *testing.T) {
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	cluster := func(readySince time.Duration) *karmadaclusterv1alpha1.Cluster {
		return &karmadaclusterv1alpha1.Cluster{Status: karmadaclusterv1alpha1.ClusterStatus{Conditions: []metav1.Condition{{
			Type: karmadaclusterv1alpha1.ClusterConditionReady, Status: metav1.ConditionTrue, LastTransitionTime: metav1.NewTime(now.Add(-readySince))}}}}
	}
	if got := returnWait(cluster(time.Second), now); got != returnSettle-time.Second {
		t.Fatalf("Ready for 1s: wait %s; want %s", got, returnSettle-time.Second)
	}
	if got := returnWait(cluster(time.Minute), now); got != 0 {
		t.Fatalf("Ready for a minute: wait %s; want none", got)
	}
}

func TestPlacedAgain(t *testing.T) {
	rb := &workv1alpha2.ResourceBinding{ObjectMeta: metav1.ObjectMeta{Namespace: "apps", Name: "web-deployment"},
		Spec: workv1alpha2.ResourceBindingSpec{Clusters: []workv1alpha2.TargetCluster{{Name: "hz", Replicas: 1}}}}
	crb := &workv1alpha2.ClusterResourceBinding{ObjectMeta: metav1.ObjectMeta{Name: "ns-namespace"},
		Spec: workv1alpha2.ResourceBindingSpec{Clusters: []workv1alpha2.TargetCluster{{Name: "sh"}}}}
	r := &Reconciler{Client: fake.NewClientBuilder().WithScheme(scheme.Scheme).WithObjects(rb, crb).Build()}
	work := func(ns, name string) *workv1alpha1.Work {
		return &workv1alpha1.Work{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{
			workv1alpha1.BindingNamespaceLabel: ns, workv1alpha1.BindingNameLabel: name}}}
	}
	cases := []struct {
		work    *workv1alpha1.Work
		cluster string
		want    bool
	}{
		{work("apps", "web-deployment"), "hz", true},
		{work("apps", "web-deployment"), "sh", false},
		{work("", "ns-namespace"), "sh", true},
		{work("apps", "gone-deployment"), "hz", false},
	}
	for _, tc := range cases {
		got, err := r.placedAgain(t.Context(), tc.work, tc.cluster)
		if err != nil || got != tc.want {
			t.Fatalf("binding %s/%s on %s: placed again %t (%v); want %t", tc.work.Labels[workv1alpha1.BindingNamespaceLabel],
				tc.work.Labels[workv1alpha1.BindingNameLabel], tc.cluster, got, err, tc.want)
		}
	}
}
