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

package retainreplicas

import (
	"context"
	"fmt"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
)

// report is one member's aggregated status item.
type report struct {
	cluster  string
	replicas int
	health   workv1alpha2.ResourceHealth
}

// webBinding is the binding of Deployment prod/web, divided 1:1 over spot
// and ondemand, with the members' reports.
func webBinding(typ policyv1alpha1.ReplicaSchedulingType, reports ...report) *workv1alpha2.ResourceBinding {
	rb := &workv1alpha2.ResourceBinding{ObjectMeta: metav1.ObjectMeta{Name: "web-deployment", Namespace: "prod"},
		Spec: workv1alpha2.ResourceBindingSpec{
			Resource: workv1alpha2.ObjectReference{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "prod", Name: "web", UID: "web-uid"},
			Replicas: 2, Clusters: []workv1alpha2.TargetCluster{{Name: "spot", Replicas: 1}, {Name: "ondemand", Replicas: 1}},
			Placement: &policyv1alpha1.Placement{ReplicaScheduling: &policyv1alpha1.ReplicaSchedulingStrategy{ReplicaSchedulingType: typ}},
		}}
	for _, r := range reports {
		rb.Status.AggregatedStatus = append(rb.Status.AggregatedStatus, workv1alpha2.AggregatedStatusItem{ClusterName: r.cluster, Applied: true, Health: r.health,
			Status: &runtime.RawExtension{Raw: fmt.Appendf(nil, `{"replicas":%d,"readyReplicas":%d}`, r.replicas, r.replicas)}})
	}
	return rb
}

var retainLabel = map[string]string{workv1alpha1.RetainReplicasLabel: workv1alpha1.RetainReplicasValue}

func syncedReplicas(t *testing.T, objs ...client.Object) int32 {
	t.Helper()
	c := newClient(objs...)
	s := &Syncer{Client: c, Reader: c}
	if _, err := s.Reconcile(context.Background(), ctrl.Request{NamespacedName: client.ObjectKey{Namespace: "prod", Name: "web-deployment"}}); err != nil {
		t.Fatal(err)
	}
	d := &appsv1.Deployment{}
	if err := c.Get(context.Background(), client.ObjectKey{Namespace: "prod", Name: "web"}, d); err != nil {
		t.Fatal(err)
	}
	return *d.Spec.Replicas
}

func TestSyncerWritesTheMembersSum(t *testing.T) {
	healthy := []report{{"spot", 3, workv1alpha2.ResourceHealthy}, {"ondemand", 4, workv1alpha2.ResourceHealthy}}
	cases := []struct {
		name    string
		labels  map[string]string
		binding *workv1alpha2.ResourceBinding
		want    int32
	}{
		{name: "retained and divided", labels: retainLabel, binding: webBinding(policyv1alpha1.ReplicaSchedulingTypeDivided, healthy...), want: 7},
		{name: "a member still scaling", labels: retainLabel, want: 2, binding: webBinding(policyv1alpha1.ReplicaSchedulingTypeDivided,
			report{"spot", 3, workv1alpha2.ResourceHealthy}, report{"ondemand", 4, workv1alpha2.ResourceUnhealthy})},
		{name: "a member not reporting", labels: retainLabel, want: 2, binding: webBinding(policyv1alpha1.ReplicaSchedulingTypeDivided, healthy[0])},
		{name: "not retained", binding: webBinding(policyv1alpha1.ReplicaSchedulingTypeDivided, healthy...), want: 2},
		{name: "duplicated", labels: retainLabel, binding: webBinding(policyv1alpha1.ReplicaSchedulingTypeDuplicated, healthy...), want: 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := syncedReplicas(t, webDeployment(tc.labels, nil), tc.binding); got != tc.want {
				t.Fatalf("template replicas %d, want %d", got, tc.want)
			}
		})
	}
}

func TestSyncerIgnoresAnotherTemplateOfTheSameName(t *testing.T) {
	rb := webBinding(policyv1alpha1.ReplicaSchedulingTypeDivided, report{"spot", 3, workv1alpha2.ResourceHealthy}, report{"ondemand", 4, workv1alpha2.ResourceHealthy})
	rb.Spec.Resource.UID = "an-earlier-web"
	if got := syncedReplicas(t, webDeployment(retainLabel, nil), rb); got != 2 {
		t.Fatalf("template replicas %d written from the binding of a deleted namesake", got)
	}
}
