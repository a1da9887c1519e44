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
package appfailover

import (
	"context"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	clocktesting "k8s.io/utils/clock/testing"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/scheme"
)

func binding(failover bool, health map[string]workv1alpha2.ResourceHealth, annotation string) *workv1alpha2.ResourceBinding {
	rb := &workv1alpha2.ResourceBinding{ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "default"}}
	for _, c := range []string{"a", "b"} {
		rb.Spec.Clusters = append(rb.Spec.Clusters, workv1alpha2.TargetCluster{Name: c, Replicas: 1})
		if h, ok := health[c]; ok {
			rb.Status.AggregatedStatus = append(rb.Status.AggregatedStatus, workv1alpha2.AggregatedStatusItem{ClusterName: c, Health: h})
		}
	}
	if failover {
		rb.Spec.Failover = &policyv1alpha1.FailoverBehavior{Application: &policyv1alpha1.ApplicationFailoverBehavior{
			DecisionConditions: policyv1alpha1.DecisionConditions{TolerationSeconds: ptr.To[int32](30)}}}
	}
	if annotation != "" {
		rb.Annotations = map[string]string{workv1alpha2.UnhealthySinceAnnotation: annotation}
	}
	return rb
}

func TestReconcileRecordsUnhealthyTimersOnTheBinding(t *testing.T) {
	now := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	const bad, good, unknown = workv1alpha2.ResourceUnhealthy, workv1alpha2.ResourceHealthy, workv1alpha2.ResourceUnknown
	for name, tc := range map[string]struct {
		rb   *workv1alpha2.ResourceBinding
		want string // the annotation after the reconcile, "" for none
	}{
		"unhealthy starts a timer": {
			rb: binding(true, map[string]workv1alpha2.ResourceHealth{"a": bad, "b": good}, ""), want: `{"a":"2026-12-07T10:00:00Z"}`,
		},
		"a running timer keeps its start": {
			rb:   binding(true, map[string]workv1alpha2.ResourceHealth{"a": bad, "b": good}, `{"a":"2026-12-07T09:59:00Z"}`),
			want: `{"a":"2026-12-07T09:59:00Z"}`,
		},
		"unknown neither starts nor resets": {
			rb:   binding(true, map[string]workv1alpha2.ResourceHealth{"a": unknown, "b": unknown}, `{"a":"2026-12-07T09:59:00Z"}`),
			want: `{"a":"2026-12-07T09:59:00Z"}`,
		},
		"healthy again drops the timer": {
			rb: binding(true, map[string]workv1alpha2.ResourceHealth{"a": good, "b": good}, `{"a":"2026-12-07T09:59:00Z"}`), want: "",
		},
		"a cluster no longer targeted is dropped": {
			rb: binding(true, map[string]workv1alpha2.ResourceHealth{"b": good}, `{"gone":"2026-12-07T09:59:00Z"}`), want: "",
		},
		"failover off removes the timers": {
			rb: binding(false, map[string]workv1alpha2.ResourceHealth{"a": bad}, `{"a":"2026-12-07T09:59:00Z"}`), want: "",
		},
		"a hand-edited value that does not parse starts afresh": {
			rb: binding(true, map[string]workv1alpha2.ResourceHealth{"a": bad}, `not json`), want: `{"a":"2026-12-07T10:00:00Z"}`,
		},
	} {
		t.Run(name, func(t *testing.T) {
			c := fake.NewClientBuilder().WithScheme(scheme.Scheme).WithObjects(tc.rb).WithStatusSubresource(tc.rb).Build()
			r := &Reconciler{Client: c, Clock: clocktesting.NewFakePassiveClock(now)}
			if _, err := r.Reconcile(context.Background(), ctrl.Request{NamespacedName: client.ObjectKeyFromObject(tc.rb)}); err != nil {
				t.Fatal(err)
			}
			got := &workv1alpha2.ResourceBinding{}
			if err := c.Get(context.Background(), client.ObjectKeyFromObject(tc.rb), got); err != nil {
				t.Fatal(err)
			}
			value, ok := got.Annotations[workv1alpha2.UnhealthySinceAnnotation]
			if value != tc.want || ok != (tc.want != "") {
				t.Fatalf("annotation = %q (present %v), want %q", value, ok, tc.want)
			}
			if len(got.Spec.Clusters) != 2 || len(got.Spec.GracefulEvictionTasks) != 0 {
				t.Fatalf("the application failover controller wrote the decision: %+v", got.Spec)
			}
		})
	}
}

func TestReconcileOfAMissingBindingIsNoError(t *testing.T) {
	r := &Reconciler{Client: fake.NewClientBuilder().WithScheme(scheme.Scheme).Build(), Clock: clocktesting.NewFakePassiveClock(time.Now())}
	if _, err := r.Reconcile(context.Background(), ctrl.Request{NamespacedName: client.ObjectKey{Namespace: "default", Name: "gone"}}); err != nil {
		t.Fatal(err)
	}
}
