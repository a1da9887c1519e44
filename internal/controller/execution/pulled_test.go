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

	"github.com/go-logr/logr"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/events"
	clocktesting "k8s.io/utils/clock/testing"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/scheme"
)

func pullCluster(name string, ready bool) *karmadaclusterv1alpha1.Cluster {
	status := metav1.ConditionFalse
	if ready {
		status = metav1.ConditionTrue
	}
	return &karmadaclusterv1alpha1.Cluster{ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: karmadaclusterv1alpha1.ClusterSpec{SyncMode: karmadaclusterv1alpha1.Pull},
		Status: karmadaclusterv1alpha1.ClusterStatus{Conditions: []metav1.Condition{{Type: karmadaclusterv1alpha1.ClusterConditionReady,
			Status: status, Reason: karmadaclusterv1alpha1.ClusterNotReachable, Message: "the agent is away"}}}}
}

func reportedWork(cluster string) *workv1alpha1.Work {
	return &workv1alpha1.Work{
		ObjectMeta: metav1.ObjectMeta{Namespace: workv1alpha1.ExecutionNamespace(cluster), Name: "web-deployment",
			Finalizers: []string{workv1alpha1.ExecutionFinalizer}, Generation: 1},
		Status: workv1alpha1.WorkStatus{
			Conditions: []metav1.Condition{{Type: workv1alpha1.ConditionAvailable, Status: metav1.ConditionTrue, Reason: workv1alpha1.ReasonAllHealthy}},
			ManifestStatuses: []workv1alpha1.ManifestStatus{{Identifier: workv1alpha1.ResourceIdentifier{Kind: "Deployment", Name: "web"},
				Health: workv1alpha1.ResourceHealthy}},
		},
	}
}

// The control plane leaves a ready pull member's Works to its agent, and
// marks their last report stale, without dropping it, while it is away.
func TestControlPlaneLeavesPullWorksToTheAgent(t *testing.T) {
	for _, tc := range []struct {
		name      string
		ready     bool
		wantStale bool
	}{{"agent connected", true, false}, {"agent away", false, true}} {
		t.Run(tc.name, func(t *testing.T) {
			w := reportedWork("edge")
			c := fake.NewClientBuilder().WithScheme(scheme.Scheme).WithObjects(pullCluster("edge", tc.ready), w).
				WithStatusSubresource(&workv1alpha1.Work{}).Build()
			r := &Reconciler{Client: c, Recorder: &events.FakeRecorder{}, Clock: clocktesting.NewFakeClock(time.Now())}
			if _, err := r.Reconcile(t.Context(), ctrl.Request{NamespacedName: client.ObjectKeyFromObject(w)}); err != nil {
				t.Fatal(err)
			}
			got := &workv1alpha1.Work{}
			if err := c.Get(t.Context(), client.ObjectKeyFromObject(w), got); err != nil {
				t.Fatal(err)
			}
			available := apimeta.FindStatusCondition(got.Status.Conditions, workv1alpha1.ConditionAvailable)
			stale := available.Status == metav1.ConditionUnknown && available.Reason == workv1alpha1.ReasonClusterNotReady
			if stale != tc.wantStale || len(got.Status.ManifestStatuses) != 1 {
				t.Fatalf("Available %s/%s with %d manifest statuses; want stale %t and the last report kept", available.Status, available.Reason,
					len(got.Status.ManifestStatuses), tc.wantStale)
			}
			if len(got.Finalizers) != 1 {
				t.Fatalf("finalizers %v: the control plane must not add or take the agent's", got.Finalizers)
			}
		})
	}
}

// A deleted Work of a pull member is the agent's to let go, unless the
// cluster is gone and no agent is left to do it.
func TestControlPlaneReleasesPullWorksOfAGoneCluster(t *testing.T) {
	for _, tc := range []struct {
		name         string
		clusterGone  bool
		wantReleased bool
	}{{"cluster present", false, false}, {"cluster gone", true, true}} {
		t.Run(tc.name, func(t *testing.T) {
			w := reportedWork("edge")
			now := metav1.Now()
			w.DeletionTimestamp = &now
			b := fake.NewClientBuilder().WithScheme(scheme.Scheme).WithObjects(w)
			if !tc.clusterGone {
				b = b.WithObjects(pullCluster("edge", false))
			}
			c := b.Build()
			clk := clocktesting.NewFakeClock(time.Now())
			r := &Reconciler{Client: c, Recorder: &events.FakeRecorder{}, Clock: clk,
				members: newMemberCache(logr.Discard(), clk, func(types.NamespacedName) {})}
			if _, err := r.Reconcile(t.Context(), ctrl.Request{NamespacedName: client.ObjectKeyFromObject(w)}); err != nil {
				t.Fatal(err)
			}
			err := c.Get(t.Context(), client.ObjectKeyFromObject(w), &workv1alpha1.Work{})
			if released := err != nil; released != tc.wantReleased {
				t.Fatalf("released %t (%v); want %t", released, err, tc.wantReleased)
			}
		})
	}
}

// An agent, which may not read bindings, keeps a deleted Work's copy when
// the binding controller marked the Work placed again.
func TestAgentPlacedAgainFollowsTheBindingControllersMark(t *testing.T) {
	rb := &workv1alpha2.ResourceBinding{ObjectMeta: metav1.ObjectMeta{Namespace: "apps", Name: "web-deployment"},
		Spec: workv1alpha2.ResourceBindingSpec{Clusters: []workv1alpha2.TargetCluster{{Name: "edge", Replicas: 1}}}}
	r := &Reconciler{Client: fake.NewClientBuilder().WithScheme(scheme.Scheme).WithObjects(rb).Build(), Agent: "edge"}
	w := &workv1alpha1.Work{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{
		workv1alpha1.BindingNamespaceLabel: "apps", workv1alpha1.BindingNameLabel: "web-deployment"}}}
	if got, err := r.placedAgain(t.Context(), w, "edge"); err != nil || got {
		t.Fatalf("unmarked: placed again %t (%v); an agent does not read the binding", got, err)
	}
	w.Annotations = map[string]string{workv1alpha1.PlacedAgainAnnotation: "true"}
	if got, err := r.placedAgain(t.Context(), w, "edge"); err != nil || !got {
		t.Fatalf("marked: placed again %t (%v); want true", got, err)
	}
}
