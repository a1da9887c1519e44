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

package traffic

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/tools/events"
	clocktesting "k8s.io/utils/clock/testing"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	networkingv1alpha1 "kurator.dev/kurator/api/networking/v1alpha1"
	rolloutv1alpha1 "kurator.dev/kurator/api/rollout/v1alpha1"
	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/metricsprovider"
	"kurator.dev/kurator/internal/scheme"
)

var testNow = time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)

func readyCluster(name string, ready bool) *karmadaclusterv1alpha1.Cluster {
	status := metav1.ConditionTrue
	if !ready {
		status = metav1.ConditionFalse
	}
	return &karmadaclusterv1alpha1.Cluster{ObjectMeta: metav1.ObjectMeta{Name: name}, Status: karmadaclusterv1alpha1.ClusterStatus{
		Conditions: []metav1.Condition{{Type: karmadaclusterv1alpha1.ClusterConditionReady, Status: status, Reason: "Probe"}}}}
}

// binding of Deployment reviews: hz 6 and sh 4 desired, with what each member reports available.
func binding(available map[string]int32) *workv1alpha2.ResourceBinding {
	rb := &workv1alpha2.ResourceBinding{
		ObjectMeta: metav1.ObjectMeta{Name: workv1alpha2.BindingName("reviews", "Deployment"), Namespace: "prod"},
		Spec: workv1alpha2.ResourceBindingSpec{
			Resource: workv1alpha2.ObjectReference{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "prod", Name: "reviews"},
			Replicas: 10, Clusters: []workv1alpha2.TargetCluster{{Name: "hz", Replicas: 6}, {Name: "sh", Replicas: 4}},
		},
	}
	for c, n := range available {
		raw, _ := json.Marshal(map[string]any{"availableReplicas": n, "readyReplicas": n})
		rb.Status.AggregatedStatus = append(rb.Status.AggregatedStatus, workv1alpha2.AggregatedStatusItem{ClusterName: c, Status: &runtime.RawExtension{Raw: raw}})
	}
	return rb
}

func policy() *networkingv1alpha1.TrafficPolicy {
	return &networkingv1alpha1.TrafficPolicy{
		ObjectMeta: metav1.ObjectMeta{Name: "reviews", Namespace: "prod", Generation: 1},
		Spec: networkingv1alpha1.TrafficPolicySpec{
			Host:        "reviews.prod.svc.cluster.local",
			WorkloadRef: &networkingv1alpha1.WorkloadReference{APIVersion: "apps/v1", Kind: "Deployment", Name: "reviews"},
			SLO:         &networkingv1alpha1.TrafficSLO{MinSuccessRate: "99"},
		},
	}
}

type fixture struct {
	client client.Client
	r      *Reconciler
	clock  *clocktesting.FakePassiveClock
}

func newFixture(provider metricsprovider.Provider, objs ...client.Object) *fixture {
	c := fake.NewClientBuilder().WithScheme(scheme.Scheme).WithObjects(objs...).
		WithStatusSubresource(&networkingv1alpha1.TrafficPolicy{}, &workv1alpha2.ResourceBinding{}, &karmadaclusterv1alpha1.Cluster{}, &workv1alpha1.Work{}).Build()
	clk := clocktesting.NewFakePassiveClock(testNow)
	return &fixture{client: c, clock: clk, r: &Reconciler{Client: c, Metrics: provider, Recorder: events.NewFakeRecorder(100), Clock: clk}}
}

func (f *fixture) reconcile(g Gomega) *networkingv1alpha1.TrafficPolicy {
	_, err := f.r.Reconcile(context.Background(), ctrl.Request{NamespacedName: client.ObjectKey{Namespace: "prod", Name: "reviews"}})
	g.Expect(err).NotTo(HaveOccurred())
	tp := &networkingv1alpha1.TrafficPolicy{}
	g.Expect(f.client.Get(context.Background(), client.ObjectKey{Namespace: "prod", Name: "reviews"}, tp)).To(Succeed())
	return tp
}

func routeWeights(tp *networkingv1alpha1.TrafficPolicy) map[string]int32 {
	out := map[string]int32{}
	for _, c := range tp.Status.Clusters {
		out[c.Name] = c.RouteWeight
	}
	return out
}

// TestWithoutMetricsTheConditionSaysSo: no provider configured, the policy
// says so and weights still follow readiness and availability; the Istio
// objects go to every member, including one that runs no replica.
func TestWithoutMetricsTheConditionSaysSo(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(metricsprovider.None{}, readyCluster("hz", true), readyCluster("sh", true), readyCluster("fra", true),
		binding(map[string]int32{"hz": 6, "sh": 4}), policy())
	tp := f.reconcile(g)
	g.Expect(routeWeights(tp)).To(Equal(map[string]int32{"hz": 60, "sh": 40}))
	c := apimeta.FindStatusCondition(tp.Status.Conditions, networkingv1alpha1.ConditionMetricsAvailable)
	g.Expect(c).NotTo(BeNil())
	g.Expect(c.Reason).To(Equal(networkingv1alpha1.ReasonMetricsNotConfigured))
	g.Expect(c.Message).To(ContainSubstring("kurator up --prometheus"))
	g.Expect(tp.Finalizers).To(ContainElement(networkingv1alpha1.TrafficFinalizer))

	works := &workv1alpha1.WorkList{}
	g.Expect(f.client.List(context.Background(), works, client.MatchingLabels{networkingv1alpha1.TrafficPolicyLabel: "prod.reviews"})).To(Succeed())
	g.Expect(works.Items).To(HaveLen(3), "every member gets the routing objects")
	g.Expect(works.Items[0].Spec.Workload.Manifests).To(HaveLen(2))
	g.Expect(works.Items[0].Finalizers).To(ContainElement(workv1alpha1.ExecutionFinalizer))
	g.Expect(apimeta.IsStatusConditionTrue(tp.Status.Conditions, networkingv1alpha1.ConditionProgrammed)).To(BeFalse(), "not applied yet")
}

// TestNotReadyClusterDrainsAtOnce ignores the cooldown; the availability of
// the others shapes the rest.
func TestNotReadyClusterDrainsAtOnce(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(metricsprovider.None{}, readyCluster("hz", true), readyCluster("sh", true),
		binding(map[string]int32{"hz": 6, "sh": 4}), policy())
	g.Expect(routeWeights(f.reconcile(g))).To(Equal(map[string]int32{"hz": 60, "sh": 40}))

	f.clock.SetTime(testNow.Add(time.Second)) // well inside the 30 s cooldown
	hz := &karmadaclusterv1alpha1.Cluster{}
	g.Expect(f.client.Get(context.Background(), client.ObjectKey{Name: "hz"}, hz)).To(Succeed())
	hz.Status.Conditions[0].Status = metav1.ConditionFalse
	g.Expect(f.client.Status().Update(context.Background(), hz)).To(Succeed())
	tp := f.reconcile(g)
	g.Expect(routeWeights(tp)).To(Equal(map[string]int32{"hz": 0, "sh": 100}))
	g.Expect(tp.Status.Clusters[0].Reasons).To(ContainElement("cluster is not Ready"))
	g.Expect(tp.Status.Clusters[0].Recovering).To(BeTrue())
}

// TestDeletionRemovesEveryWork: the finalizer holds the policy until the
// routing objects are gone from every member.
func TestDeletionRemovesEveryWork(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(metricsprovider.None{}, readyCluster("hz", true), readyCluster("sh", true),
		binding(map[string]int32{"hz": 6, "sh": 4}), policy())
	tp := f.reconcile(g)
	g.Expect(f.client.Delete(context.Background(), tp)).To(Succeed())
	_, err := f.r.Reconcile(context.Background(), ctrl.Request{NamespacedName: client.ObjectKey{Namespace: "prod", Name: "reviews"}})
	g.Expect(err).NotTo(HaveOccurred())
	works := &workv1alpha1.WorkList{}
	g.Expect(f.client.List(context.Background(), works)).To(Succeed())
	for _, w := range works.Items {
		g.Expect(w.DeletionTimestamp).NotTo(BeNil(), "work %s/%s is being deleted", w.Namespace, w.Name)
	}
	err = f.client.Get(context.Background(), client.ObjectKey{Namespace: "prod", Name: "reviews"}, &networkingv1alpha1.TrafficPolicy{})
	g.Expect(err).To(HaveOccurred(), "the policy is gone once its finalizer is removed")
}

// TestUnplacedWorkloadWaits: no binding yet is a condition, not an error.
func TestUnplacedWorkloadWaits(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(metricsprovider.None{}, readyCluster("hz", true), policy())
	tp := f.reconcile(g)
	c := apimeta.FindStatusCondition(tp.Status.Conditions, networkingv1alpha1.ConditionReady)
	g.Expect(c.Reason).To(Equal(networkingv1alpha1.ReasonWorkloadNotPlaced))
	g.Expect(tp.Status.ObservedGeneration).To(Equal(int64(1)))
}

// TestCanaryStepScalesTheBaseAtOnce: a staged rollout's canary annotation
// scales a cluster's base weight and applies inside the cooldown.
func TestCanaryStepScalesTheBaseAtOnce(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(metricsprovider.None{}, readyCluster("hz", true), readyCluster("sh", true),
		binding(map[string]int32{"hz": 6, "sh": 4}), policy())
	g.Expect(routeWeights(f.reconcile(g))).To(Equal(map[string]int32{"hz": 60, "sh": 40}))

	f.clock.SetTime(testNow.Add(time.Second))
	tp := &networkingv1alpha1.TrafficPolicy{}
	g.Expect(f.client.Get(context.Background(), client.ObjectKey{Namespace: "prod", Name: "reviews"}, tp)).To(Succeed())
	tp.Annotations = map[string]string{rolloutv1alpha1.CanaryWeightsAnnotation: `{"sh": 10}`}
	g.Expect(f.client.Update(context.Background(), tp)).To(Succeed())
	// 6 : 4 × 10% → 6 : 0.4
	g.Expect(routeWeights(f.reconcile(g))).To(Equal(map[string]int32{"hz": 94, "sh": 6}))
}
