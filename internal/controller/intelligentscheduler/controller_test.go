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

package intelligentscheduler

import (
	"context"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/events"
	clocktesting "k8s.io/utils/clock/testing"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	schedulingv1alpha1 "kurator.dev/kurator/api/scheduling/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/clusterproperties"
	"kurator.dev/kurator/internal/intelligent"
	"kurator.dev/kurator/internal/metricsprovider"
	"kurator.dev/kurator/internal/scheme"
)

var now = time.Date(2026, 12, 8, 12, 0, 0, 0, time.UTC)

func pricedCluster(name, vcpuHour string) *karmadaclusterv1alpha1.Cluster {
	return &karmadaclusterv1alpha1.Cluster{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{clusterproperties.VCPUHourUSD: vcpuHour}}}
}

func deploymentBinding(name string, replicas int32, clusters ...workv1alpha2.TargetCluster) *workv1alpha2.ResourceBinding {
	return &workv1alpha2.ResourceBinding{
		ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: name + "-deployment"},
		Spec: workv1alpha2.ResourceBindingSpec{
			Resource:            workv1alpha2.ObjectReference{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "default", Name: name},
			Replicas:            replicas,
			ReplicaRequirements: &workv1alpha2.ReplicaRequirements{ResourceRequest: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("1")}},
			Placement:           &policyv1alpha1.Placement{},
			Clusters:            clusters,
		},
	}
}

func budgeted(name, maxCost string, selectors ...policyv1alpha1.ResourceSelector) *schedulingv1alpha1.IntelligentScheduler {
	return &schedulingv1alpha1.IntelligentScheduler{
		ObjectMeta: metav1.ObjectMeta{Name: name, Generation: 1},
		Spec: schedulingv1alpha1.IntelligentSchedulerSpec{ResourceSelectors: selectors, Optimization: schedulingv1alpha1.Optimization{
			Objective: []schedulingv1alpha1.Objective{schedulingv1alpha1.ObjectiveCost}, Constraints: schedulingv1alpha1.Constraints{MaxCost: maxCost},
		}},
	}
}

type fixture struct {
	r      *Reconciler
	c      client.Client
	events *events.FakeRecorder
}

func newFixture(objs ...client.Object) fixture {
	c := fake.NewClientBuilder().WithScheme(scheme.Scheme).WithObjects(objs...).WithStatusSubresource(&schedulingv1alpha1.IntelligentScheduler{}).Build()
	rec := events.NewFakeRecorder(100)
	registerMetrics()
	return fixture{r: &Reconciler{Client: c, Recorder: rec, Clock: clocktesting.NewFakeClock(now), Metrics: metricsprovider.None{}, Resync: time.Minute}, c: c, events: rec}
}

func (f fixture) reconcile(t *testing.T, name string) {
	t.Helper()
	if _, err := f.r.Reconcile(context.Background(), ctrl.Request{NamespacedName: client.ObjectKey{Name: name}}); err != nil {
		t.Fatal(err)
	}
}

func (f fixture) objective(t *testing.T, binding string) (intelligent.Objective, bool) {
	t.Helper()
	rb := &workv1alpha2.ResourceBinding{}
	if err := f.c.Get(context.Background(), client.ObjectKey{Namespace: "default", Name: binding}, rb); err != nil {
		t.Fatal(err)
	}
	return intelligent.ReadObjective(rb.Annotations)
}

func (f fixture) scheduler(t *testing.T, name string) *schedulingv1alpha1.IntelligentScheduler {
	t.Helper()
	s := &schedulingv1alpha1.IntelligentScheduler{}
	if err := f.c.Get(context.Background(), client.ObjectKey{Name: name}, s); err != nil {
		t.Fatal(err)
	}
	return s
}

// Ten one-CPU replicas at 0.03 USD per vCPU-hour spend 0.3 USD/h: over a
// 0.25 USD/hour budget, within 1 USD/hour.
func TestBudgetIsEstimatedAndHandedToTheGovernedBindings(t *testing.T) {
	f := newFixture(pricedCluster("a", "0.03"), pricedCluster("b", "0.03"),
		deploymentBinding("web", 10, workv1alpha2.TargetCluster{Name: "a", Replicas: 6}, workv1alpha2.TargetCluster{Name: "b", Replicas: 4}),
		deploymentBinding("other", 2, workv1alpha2.TargetCluster{Name: "a", Replicas: 2}),
		budgeted("a-web", "0.25 USD/hour", policyv1alpha1.ResourceSelector{APIVersion: "apps/v1", Kind: "Deployment", Name: "web"}))
	f.reconcile(t, "a-web")
	o, ok := f.objective(t, "web-deployment")
	if !ok || !o.BudgetExceeded || o.Scheduler != "a-web" || o.Cost != 1 {
		t.Fatalf("web's objective: %+v %v", o, ok)
	}
	if _, ok := f.objective(t, "other-deployment"); ok {
		t.Fatal("a binding the scheduler does not select got its objective")
	}
	s := f.scheduler(t, "a-web")
	c := apimeta.FindStatusCondition(s.Status.Conditions, schedulingv1alpha1.ConditionBudgetExceeded)
	if c == nil || c.Status != metav1.ConditionTrue || !strings.Contains(c.Message, "estimated 7.20 USD/day of 0.25 USD/hour (120%)") {
		t.Fatalf("condition %+v", c)
	}
	if s.Status.Workloads != 1 || s.Status.Spend.PerHour != "0.30" || *s.Status.Spend.BudgetUsedPercent != 120 || s.Status.ObservedGeneration != 1 {
		t.Fatalf("status %+v %+v", s.Status, s.Status.Spend)
	}
	if got := drain(f.events); len(got) != 1 || !strings.Contains(got[0], "BudgetExceeded") {
		t.Fatalf("events %v", got)
	}
	// Again: no new event, nothing rewritten.
	f.reconcile(t, "a-web")
	if got := drain(f.events); len(got) != 0 {
		t.Fatalf("events on a second pass: %v", got)
	}

	s.Spec.Optimization.Constraints.MaxCost = "1 USD/hour"
	s.Generation = 2
	if err := f.c.Update(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	f.reconcile(t, "a-web")
	if o, _ := f.objective(t, "web-deployment"); o.BudgetExceeded {
		t.Fatal("within the budget again, the binding still says exceeded")
	}
	if got := drain(f.events); len(got) != 1 || !strings.Contains(got[0], "WithinBudget") {
		t.Fatalf("events %v", got)
	}
}

func TestDeletedSchedulerReleasesItsBindings(t *testing.T) {
	s := budgeted("fleet", "")
	f := newFixture(pricedCluster("a", "0.03"), deploymentBinding("web", 2, workv1alpha2.TargetCluster{Name: "a", Replicas: 2}), s)
	f.reconcile(t, "fleet")
	if _, ok := f.objective(t, "web-deployment"); !ok {
		t.Fatal("a scheduler without selectors governs every binding")
	}
	if err := f.c.Delete(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	f.reconcile(t, "fleet")
	if _, ok := f.objective(t, "web-deployment"); ok {
		t.Fatal("the objective of a deleted scheduler stayed on its binding")
	}
}

// A spec the API's rules would refuse, written around them: a condition
// says what is wrong, and nothing is handed over.
func TestInvalidSpecIsReportedNotApplied(t *testing.T) {
	s := budgeted("bad", "lots")
	f := newFixture(deploymentBinding("web", 2), s)
	f.reconcile(t, "bad")
	c := apimeta.FindStatusCondition(f.scheduler(t, "bad").Status.Conditions, schedulingv1alpha1.ConditionReady)
	if c == nil || c.Status != metav1.ConditionFalse || c.Reason != "InvalidSpec" || !strings.Contains(c.Message, "maxCost") {
		t.Fatalf("condition %+v", c)
	}
	if _, ok := f.objective(t, "web-deployment"); ok {
		t.Fatal("an invalid scheduler handed over an objective")
	}
}

func TestPredictionSaysWhichAlgorithmServedTheModel(t *testing.T) {
	s := budgeted("seed", "1000 USD/day")
	s.Spec.Prediction = &schedulingv1alpha1.Prediction{Enabled: true, Model: "transformer-time-series"}
	f := newFixture(s)
	f.reconcile(t, "seed")
	p := f.scheduler(t, "seed").Status.Prediction
	if p == nil || p.Algorithm != "Seasonal" || p.RequestedModel != "transformer-time-series" ||
		!strings.Contains(p.Message, `model "transformer-time-series" is not implemented in Kurator; the Seasonal algorithm served it`) ||
		!strings.Contains(p.Message, metricsprovider.ErrNoRangeQueries.Error()) || p.ProjectedPerDay != "" {
		t.Fatalf("prediction %+v", p)
	}
}

func drain(rec *events.FakeRecorder) []string {
	var out []string
	for {
		select {
		case e := <-rec.Events:
			out = append(out, e)
		default:
			return out
		}
	}
}
