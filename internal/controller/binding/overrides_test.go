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
package binding

import (
	"context"
	"sort"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/util/workqueue"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/scheme"
)

func rb(ns, name, apiVersion, kind string, clusters ...string) *workv1alpha2.ResourceBinding {
	b := &workv1alpha2.ResourceBinding{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}}
	b.Spec.Resource = workv1alpha2.ObjectReference{APIVersion: apiVersion, Kind: kind, Namespace: ns, Name: name}
	for _, c := range clusters {
		b.Spec.Clusters = append(b.Spec.Clusters, workv1alpha2.TargetCluster{Name: c})
	}
	return b
}

func drain(q workqueue.TypedRateLimitingInterface[reconcile.Request]) []string {
	var out []string
	for q.Len() > 0 {
		r, _ := q.Get()
		out = append(out, r.String())
		q.Done(r)
	}
	sort.Strings(out)
	return out
}

func TestOverridePolicyChangesEnqueueTheBindingsTheySelect(t *testing.T) {
	c := fake.NewClientBuilder().WithScheme(scheme.Scheme).WithObjects(
		rb("a", "web", "apps/v1", "Deployment"),
		rb("a", "cfg", "v1", "ConfigMap"),
		rb("b", "api", "apps/v1", "Deployment"),
	).Build()
	h := &overridePolicyHandler{reader: c, list: listResourceBindings}
	deploys := []policyv1alpha1.ResourceSelector{{APIVersion: "apps/v1", Kind: "Deployment"}}
	op := &policyv1alpha1.OverridePolicy{ObjectMeta: metav1.ObjectMeta{Namespace: "a", Name: "op"},
		Spec: policyv1alpha1.OverrideSpec{ResourceSelectors: deploys}}
	cop := &policyv1alpha1.ClusterOverridePolicy{ObjectMeta: metav1.ObjectMeta{Name: "cop"}}
	newOP := op.DeepCopy()
	newOP.Spec.ResourceSelectors = []policyv1alpha1.ResourceSelector{{APIVersion: "v1", Kind: "ConfigMap"}}

	for name, tc := range map[string]struct {
		fire func(q workqueue.TypedRateLimitingInterface[reconcile.Request])
		want []string
	}{
		"create selects by kind in the policy's namespace": {
			fire: func(q workqueue.TypedRateLimitingInterface[reconcile.Request]) {
				h.Create(context.Background(), event.CreateEvent{Object: op}, q)
			},
			want: []string{"a/web"},
		},
		"delete re-renders what it changed": {
			fire: func(q workqueue.TypedRateLimitingInterface[reconcile.Request]) {
				h.Delete(context.Background(), event.DeleteEvent{Object: op}, q)
			},
			want: []string{"a/web"},
		},
		"update covers the old and the new selection": {
			fire: func(q workqueue.TypedRateLimitingInterface[reconcile.Request]) {
				h.Update(context.Background(), event.UpdateEvent{ObjectOld: op, ObjectNew: newOP}, q)
			},
			want: []string{"a/cfg", "a/web"},
		},
		"an update that keeps the spec moves nothing": {
			fire: func(q workqueue.TypedRateLimitingInterface[reconcile.Request]) {
				relabelled := op.DeepCopy()
				relabelled.Labels = map[string]string{"x": "y"}
				h.Update(context.Background(), event.UpdateEvent{ObjectOld: op, ObjectNew: relabelled}, q)
			},
			want: nil,
		},
		"a cluster policy without selectors selects every namespace": {
			fire: func(q workqueue.TypedRateLimitingInterface[reconcile.Request]) {
				h.Create(context.Background(), event.CreateEvent{Object: cop}, q)
			},
			want: []string{"a/cfg", "a/web", "b/api"},
		},
	} {
		t.Run(name, func(t *testing.T) {
			q := workqueue.NewTypedRateLimitingQueue(workqueue.DefaultTypedControllerRateLimiter[reconcile.Request]())
			defer q.ShutDown()
			tc.fire(q)
			got := drain(q)
			if len(got) != len(tc.want) || (len(got) > 0 && !equalStrings(got, tc.want)) {
				t.Fatalf("enqueued %v, want %v", got, tc.want)
			}
		})
	}
}

func equalStrings(a, b []string) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestClusterLabelChangeEnqueuesTheBindingsPlacedThere(t *testing.T) {
	c := fake.NewClientBuilder().WithScheme(scheme.Scheme).WithObjects(
		rb("a", "web", "apps/v1", "Deployment", "m1", "m2"),
		rb("a", "cfg", "v1", "ConfigMap", "m2"),
	).Build()
	h := clusterHandler(c, listResourceBindings)
	old := &metav1.PartialObjectMetadata{ObjectMeta: metav1.ObjectMeta{Name: "m1", Generation: 1}}
	for name, tc := range map[string]struct {
		mutate func(o *metav1.PartialObjectMetadata)
		want   []string
	}{
		"status only":   {mutate: func(*metav1.PartialObjectMetadata) {}, want: nil},
		"labels change": {mutate: func(o *metav1.PartialObjectMetadata) { o.Labels = map[string]string{"tier": "gold"} }, want: []string{"a/web"}},
		"spec change":   {mutate: func(o *metav1.PartialObjectMetadata) { o.Generation = 2 }, want: []string{"a/web"}},
	} {
		t.Run(name, func(t *testing.T) {
			q := workqueue.NewTypedRateLimitingQueue(workqueue.DefaultTypedControllerRateLimiter[reconcile.Request]())
			defer q.ShutDown()
			next := old.DeepCopy()
			tc.mutate(next)
			h.Update(context.Background(), event.UpdateEvent{ObjectOld: client.Object(old), ObjectNew: next}, q)
			if got := drain(q); !equalStrings(got, tc.want) || len(got) != len(tc.want) {
				t.Fatalf("enqueued %v, want %v", got, tc.want)
			}
		})
	}
}
