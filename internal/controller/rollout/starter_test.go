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

package rollout

import (
	"context"
	"fmt"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	rolloutv1alpha1 "kurator.dev/kurator/api/rollout/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/scheme"
)

// TestStarterCreatesOneRunPerSnapshotAndPrunes: a snapshot gets its run,
// named as it; a binding keeps its last ten finished runs and the snapshots
// they use.
func TestStarterCreatesOneRunPerSnapshotAndPrunes(t *testing.T) {
	g := NewWithT(t)
	labels := func(rev string) map[string]string {
		return map[string]string{rolloutv1alpha1.BindingLabel: "web-deployment", rolloutv1alpha1.RevisionLabel: rev}
	}
	objs := []client.Object{&workv1alpha2.ResourceBinding{
		ObjectMeta: metav1.ObjectMeta{Name: "web-deployment", Namespace: "prod", UID: "rb"},
		Spec:       workv1alpha2.ResourceBindingSpec{RolloutStrategy: &policyv1alpha1.RolloutStrategyReference{Name: "s"}},
	}}
	for i := range 12 {
		name := fmt.Sprintf("snap-%02d", i)
		at := metav1.NewTime(t0.Add(time.Duration(i) * time.Minute))
		objs = append(objs,
			&appsv1.ControllerRevision{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "prod", Labels: labels(name), CreationTimestamp: at}},
			&rolloutv1alpha1.StagedUpdateRun{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "prod", Labels: labels(name), CreationTimestamp: at},
				Spec:   rolloutv1alpha1.StagedUpdateRunSpec{BindingName: "web-deployment", StrategyName: "s", Revision: name, SnapshotName: name},
				Status: rolloutv1alpha1.StagedUpdateRunStatus{Phase: rolloutv1alpha1.RunPhaseSucceeded}})
	}
	objs = append(objs, &appsv1.ControllerRevision{ObjectMeta: metav1.ObjectMeta{Name: "snap-new", Namespace: "prod", Labels: labels("new"),
		CreationTimestamp: metav1.NewTime(t0.Add(time.Hour))}})
	c := fake.NewClientBuilder().WithScheme(scheme.Scheme).WithObjects(objs...).Build()
	s := &Starter{Client: c}
	_, err := s.Reconcile(context.Background(), ctrl.Request{NamespacedName: client.ObjectKey{Namespace: "prod", Name: "snap-new"}})
	g.Expect(err).NotTo(HaveOccurred())

	run := &rolloutv1alpha1.StagedUpdateRun{}
	g.Expect(c.Get(context.Background(), client.ObjectKey{Namespace: "prod", Name: "snap-new"}, run)).To(Succeed())
	g.Expect(run.Spec).To(Equal(rolloutv1alpha1.StagedUpdateRunSpec{BindingName: "web-deployment", StrategyName: "s", Revision: "new", SnapshotName: "snap-new", State: rolloutv1alpha1.RunStateRun}))

	runs := &rolloutv1alpha1.StagedUpdateRunList{}
	g.Expect(c.List(context.Background(), runs)).To(Succeed())
	g.Expect(runs.Items).To(HaveLen(11), "the new run and the last ten finished ones")
	snaps := &appsv1.ControllerRevisionList{}
	g.Expect(c.List(context.Background(), snaps)).To(Succeed())
	names := map[string]bool{}
	for _, s := range snaps.Items {
		names[s.Name] = true
	}
	g.Expect(names).NotTo(HaveKey("snap-00"))
	g.Expect(names).NotTo(HaveKey("snap-01"))
	g.Expect(names).To(HaveKey("snap-02"))
	g.Expect(names).To(HaveKey("snap-new"))
}
