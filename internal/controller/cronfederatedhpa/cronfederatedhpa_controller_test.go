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

package cronfederatedhpa

import (
	"context"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/api/meta/testrestmapper"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/events"
	clocktesting "k8s.io/utils/clock/testing"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	autoscalingv1alpha1 "kurator.dev/kurator/api/autoscaling/v1alpha1"
	"kurator.dev/kurator/internal/scheme"
)

// t0 is a Monday, 30 s past noon UTC.
var t0 = time.Date(2026, 12, 7, 12, 0, 30, 0, time.UTC)

var (
	deploymentRef = autoscalingv2.CrossVersionObjectReference{APIVersion: "apps/v1", Kind: "Deployment", Name: "web"}
	fhpaRef       = autoscalingv2.CrossVersionObjectReference{APIVersion: "autoscaling.karmada.io/v1alpha1", Kind: "FederatedHPA", Name: "web"}
)

type fixture struct {
	c      client.Client
	r      *Reconciler
	clock  *clocktesting.FakePassiveClock
	events *events.FakeRecorder
}

// newFixture: Deployment web (2 replicas) in prod, and a CronFederatedHPA
// "cron" with the rules on ref.
func newFixture(ref autoscalingv2.CrossVersionObjectReference, rules []autoscalingv1alpha1.CronFederatedHPARule, extra ...client.Object) *fixture {
	objs := append([]client.Object{
		&appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "prod"}, Spec: appsv1.DeploymentSpec{Replicas: ptr.To[int32](2)}},
		&autoscalingv1alpha1.CronFederatedHPA{ObjectMeta: metav1.ObjectMeta{Name: "cron", Namespace: "prod", Generation: 1},
			Spec: autoscalingv1alpha1.CronFederatedHPASpec{ScaleTargetRef: ref, Rules: rules}},
	}, extra...)
	// The fake client's own RESTMapper is empty; the scheme's kinds are
	// what the control plane serves here.
	c := fake.NewClientBuilder().WithScheme(scheme.Scheme).WithRESTMapper(testrestmapper.TestOnlyStaticRESTMapper(scheme.Scheme)).WithObjects(objs...).
		WithStatusSubresource(&autoscalingv1alpha1.CronFederatedHPA{}, &autoscalingv1alpha1.FederatedHPA{}).Build()
	f := &fixture{c: c, clock: clocktesting.NewFakePassiveClock(t0), events: events.NewFakeRecorder(100)}
	f.r = f.newReconciler()
	return f
}

// newReconciler is a controller (re)started with nothing in memory.
func (f *fixture) newReconciler() *Reconciler {
	return &Reconciler{Client: f.c, Recorder: f.events, Clock: f.clock}
}

func (f *fixture) reconcile(g Gomega) (*autoscalingv1alpha1.CronFederatedHPA, ctrl.Result) {
	res, err := f.r.Reconcile(context.Background(), ctrl.Request{NamespacedName: client.ObjectKey{Namespace: "prod", Name: "cron"}})
	g.Expect(err).NotTo(HaveOccurred())
	cron := &autoscalingv1alpha1.CronFederatedHPA{}
	g.Expect(f.c.Get(context.Background(), client.ObjectKey{Namespace: "prod", Name: "cron"}, cron)).To(Succeed())
	return cron, res
}

func (f *fixture) at(offset time.Duration) { f.clock.SetTime(t0.Add(offset)) }

func (f *fixture) replicas(g Gomega) int32 {
	d := &appsv1.Deployment{}
	g.Expect(f.c.Get(context.Background(), client.ObjectKey{Namespace: "prod", Name: "web"}, d)).To(Succeed())
	return *d.Spec.Replicas
}

func (f *fixture) setReplicas(g Gomega, n int32) {
	d := &appsv1.Deployment{}
	g.Expect(f.c.Get(context.Background(), client.ObjectKey{Namespace: "prod", Name: "web"}, d)).To(Succeed())
	d.Spec.Replicas = ptr.To(n)
	g.Expect(f.c.Update(context.Background(), d)).To(Succeed())
}

// editSpec changes the object's spec as the API server would: a new
// generation.
func (f *fixture) editSpec(g Gomega, edit func(*autoscalingv1alpha1.CronFederatedHPASpec)) {
	cron := &autoscalingv1alpha1.CronFederatedHPA{}
	g.Expect(f.c.Get(context.Background(), client.ObjectKey{Namespace: "prod", Name: "cron"}, cron)).To(Succeed())
	edit(&cron.Spec)
	cron.Generation++
	g.Expect(f.c.Update(context.Background(), cron)).To(Succeed())
}

// drainEvents returns the events emitted since the last call.
func (f *fixture) drainEvents() []string {
	var out []string
	for {
		select {
		case e := <-f.events.Events:
			out = append(out, e)
		default:
			return out
		}
	}
}

func history(g Gomega, cron *autoscalingv1alpha1.CronFederatedHPA, rule string) autoscalingv1alpha1.ExecutionHistory {
	for _, h := range cron.Status.ExecutionHistories {
		if h.RuleName == rule {
			return h
		}
	}
	g.Expect(cron.Status.ExecutionHistories).To(ContainElement(HaveField("RuleName", rule)))
	return autoscalingv1alpha1.ExecutionHistory{}
}

func rule(name, schedule string, replicas int32) autoscalingv1alpha1.CronFederatedHPARule {
	return autoscalingv1alpha1.CronFederatedHPARule{Name: name, Schedule: schedule, TargetReplicas: ptr.To(replicas)}
}

func ready(cron *autoscalingv1alpha1.CronFederatedHPA) *metav1.Condition {
	return apimeta.FindStatusCondition(cron.Status.Conditions, ConditionReady)
}

func TestDueRunAppliesAndIsRecorded(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(deploymentRef, []autoscalingv1alpha1.CronFederatedHPARule{rule("peak", "*/5 * * * *", 4)})

	cron, res := f.reconcile(g)
	g.Expect(f.replicas(g)).To(Equal(int32(2)), "a new rule is scheduled, not run")
	g.Expect(history(g, cron, "peak").NextExecutionTime.Time).To(BeTemporally("==", t0.Add(4*time.Minute+30*time.Second)))
	g.Expect(history(g, cron, "peak").SuccessfulExecutions).To(BeEmpty())
	g.Expect(res.RequeueAfter).To(Equal(4*time.Minute + 30*time.Second))
	g.Expect(ready(cron).Status).To(Equal(metav1.ConditionTrue))
	g.Expect(cron.Status.ObservedGeneration).To(Equal(int64(1)))

	f.at(4*time.Minute + 31*time.Second)
	cron, res = f.reconcile(g)
	g.Expect(f.replicas(g)).To(Equal(int32(4)))
	h := history(g, cron, "peak")
	g.Expect(h.SuccessfulExecutions).To(HaveLen(1))
	run := h.SuccessfulExecutions[0]
	g.Expect(run.ScheduleTime.Time).To(BeTemporally("==", time.Date(2026, 12, 7, 12, 5, 0, 0, time.UTC)))
	g.Expect(run.ExecutionTime.Time).To(BeTemporally("==", t0.Add(4*time.Minute+31*time.Second)))
	g.Expect(run.AppliedReplicas).To(HaveValue(Equal(int32(4))))
	g.Expect(h.NextExecutionTime.Time).To(BeTemporally("==", time.Date(2026, 12, 7, 12, 10, 0, 0, time.UTC)))
	g.Expect(res.RequeueAfter).To(Equal(4*time.Minute + 59*time.Second))
	g.Expect(f.drainEvents()).To(ConsistOf("Normal Scaled rule peak (due 2026-12-07T12:05:00Z): replicas set to 4"))

	f.at(5 * time.Minute)
	f.reconcile(g)
	g.Expect(f.drainEvents()).To(BeEmpty(), "no event without a run")
}

func TestMissedRunsApplyOnce(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(deploymentRef, []autoscalingv1alpha1.CronFederatedHPARule{rule("hourly", "0 * * * *", 4)})
	f.reconcile(g)

	// Down from 12:00 to 15:30: the 13:00, 14:00 and 15:00 runs are missed.
	f.at(3*time.Hour + 30*time.Minute)
	cron, _ := f.reconcile(g)
	h := history(g, cron, "hourly")
	g.Expect(h.SuccessfulExecutions).To(HaveLen(1), "missed runs apply once")
	g.Expect(h.SuccessfulExecutions[0].ScheduleTime.Time).To(BeTemporally("==", time.Date(2026, 12, 7, 15, 0, 0, 0, time.UTC)), "the latest of them")
	g.Expect(h.NextExecutionTime.Time).To(BeTemporally("==", time.Date(2026, 12, 7, 16, 0, 0, 0, time.UTC)))
	g.Expect(f.replicas(g)).To(Equal(int32(4)))
}

func TestLatestMissedRuleWinsAcrossRules(t *testing.T) {
	g := NewWithT(t)
	// "morning" is listed first, but its missed run is the later one.
	f := newFixture(deploymentRef, []autoscalingv1alpha1.CronFederatedHPARule{rule("morning", "0 8 * * *", 10), rule("evening", "0 18 * * *", 3)})
	f.reconcile(g)

	f.at(24 * time.Hour) // past 18:00 today and 08:00 tomorrow
	cron, _ := f.reconcile(g)
	g.Expect(history(g, cron, "evening").SuccessfulExecutions).To(HaveLen(1))
	g.Expect(history(g, cron, "morning").SuccessfulExecutions).To(HaveLen(1))
	g.Expect(f.replicas(g)).To(Equal(int32(10)), "the morning run, due last, applies last")
}

func TestRestartDoesNotReapply(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(deploymentRef, []autoscalingv1alpha1.CronFederatedHPARule{rule("peak", "*/5 * * * *", 4)})
	f.reconcile(g)
	f.at(5 * time.Minute)
	f.reconcile(g)
	g.Expect(f.replicas(g)).To(Equal(int32(4)))
	f.setReplicas(g, 7) // someone scales by hand after the run

	f.r = f.newReconciler()
	f.at(6 * time.Minute)
	cron, res := f.reconcile(g)
	g.Expect(f.replicas(g)).To(Equal(int32(7)), "the 12:05 run is in status: not applied again")
	g.Expect(history(g, cron, "peak").SuccessfulExecutions).To(HaveLen(1))
	g.Expect(res.RequeueAfter).To(Equal(3*time.Minute+30*time.Second), "until 12:10, from status")

	f.r = f.newReconciler()
	f.at(9*time.Minute + 30*time.Second)
	f.reconcile(g)
	g.Expect(f.replicas(g)).To(Equal(int32(4)), "the 12:10 run")
}

func TestSuspendedRuleDoesNotRunAndResumesFromNow(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(deploymentRef, []autoscalingv1alpha1.CronFederatedHPARule{rule("peak", "*/5 * * * *", 4)})
	f.reconcile(g)
	f.editSpec(g, func(s *autoscalingv1alpha1.CronFederatedHPASpec) { s.Rules[0].Suspend = ptr.To(true) })

	cron, res := f.reconcile(g)
	g.Expect(history(g, cron, "peak").NextExecutionTime).To(BeNil())
	g.Expect(res.RequeueAfter).To(BeZero())
	f.at(time.Hour)
	cron, _ = f.reconcile(g)
	g.Expect(f.replicas(g)).To(Equal(int32(2)))
	g.Expect(history(g, cron, "peak").SuccessfulExecutions).To(BeEmpty())

	f.editSpec(g, func(s *autoscalingv1alpha1.CronFederatedHPASpec) { s.Rules[0].Suspend = ptr.To(false) })
	cron, _ = f.reconcile(g)
	g.Expect(f.replicas(g)).To(Equal(int32(2)), "runs missed while suspended are not caught up")
	g.Expect(history(g, cron, "peak").NextExecutionTime.Time).To(BeTemporally("==", time.Date(2026, 12, 7, 13, 5, 0, 0, time.UTC)))

	f.at(time.Hour + 5*time.Minute)
	f.reconcile(g)
	g.Expect(f.replicas(g)).To(Equal(int32(4)))
}

func TestInvalidTimeZoneSetsConditionAndOtherRulesRun(t *testing.T) {
	g := NewWithT(t)
	broken := rule("mars", "*/5 * * * *", 9)
	broken.TimeZone = ptr.To("Mars/Olympus_Mons")
	f := newFixture(deploymentRef, []autoscalingv1alpha1.CronFederatedHPARule{broken, rule("peak", "*/5 * * * *", 4)})

	cron, _ := f.reconcile(g)
	c := ready(cron)
	g.Expect(c.Status).To(Equal(metav1.ConditionFalse))
	g.Expect(c.Reason).To(Equal(ReasonInvalidSchedule))
	g.Expect(c.Message).To(And(ContainSubstring("rule mars"), ContainSubstring("Mars/Olympus_Mons")))
	g.Expect(c.ObservedGeneration).To(Equal(int64(1)))
	g.Expect(history(g, cron, "mars").NextExecutionTime).To(BeNil())

	f.at(5 * time.Minute)
	cron, _ = f.reconcile(g)
	g.Expect(f.replicas(g)).To(Equal(int32(4)), "the valid rule runs")
	g.Expect(history(g, cron, "mars").SuccessfulExecutions).To(BeEmpty())
	g.Expect(ready(cron).Reason).To(Equal(ReasonInvalidSchedule), "still invalid")

	f.editSpec(g, func(s *autoscalingv1alpha1.CronFederatedHPASpec) { s.Rules[0].TimeZone = ptr.To("Asia/Shanghai") })
	cron, _ = f.reconcile(g)
	g.Expect(ready(cron).Status).To(Equal(metav1.ConditionTrue))
	g.Expect(ready(cron).ObservedGeneration).To(Equal(int64(2)))
	g.Expect(history(g, cron, "mars").NextExecutionTime).NotTo(BeNil())
}

func TestInvalidScheduleNamesTheRule(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(deploymentRef, []autoscalingv1alpha1.CronFederatedHPARule{rule("typo", "0 25 * * *", 4)})
	cron, res := f.reconcile(g)
	g.Expect(ready(cron).Reason).To(Equal(ReasonInvalidSchedule))
	g.Expect(ready(cron).Message).To(ContainSubstring("rule typo: schedule \"0 25 * * *\""))
	g.Expect(res.RequeueAfter).To(BeZero(), "nothing to wait for")
}

func TestHistoryIsTrimmedToLimits(t *testing.T) {
	g := NewWithT(t)
	peak := rule("peak", "* * * * *", 4)
	peak.SuccessfulHistoryLimit = ptr.To[int32](2)
	f := newFixture(deploymentRef, []autoscalingv1alpha1.CronFederatedHPARule{peak})
	f.reconcile(g)
	var cron *autoscalingv1alpha1.CronFederatedHPA
	for minute := 1; minute <= 3; minute++ {
		f.at(time.Duration(minute) * time.Minute)
		cron, _ = f.reconcile(g)
	}
	runs := history(g, cron, "peak").SuccessfulExecutions
	g.Expect(runs).To(HaveLen(2))
	g.Expect(runs[0].ScheduleTime.Time).To(BeTemporally("==", time.Date(2026, 12, 7, 12, 3, 0, 0, time.UTC)), "newest first")
	g.Expect(runs[1].ScheduleTime.Time).To(BeTemporally("==", time.Date(2026, 12, 7, 12, 2, 0, 0, time.UTC)))

	// A lowered limit applies at once.
	f.editSpec(g, func(s *autoscalingv1alpha1.CronFederatedHPASpec) {
		s.Rules[0].SuccessfulHistoryLimit = ptr.To[int32](1)
	})
	cron, _ = f.reconcile(g)
	g.Expect(history(g, cron, "peak").SuccessfulExecutions).To(HaveLen(1))
}

func TestMissingTargetIsAFailedExecution(t *testing.T) {
	g := NewWithT(t)
	ref := deploymentRef
	ref.Name = "gone"
	peak := rule("peak", "* * * * *", 4)
	peak.FailedHistoryLimit = ptr.To[int32](2)
	f := newFixture(ref, []autoscalingv1alpha1.CronFederatedHPARule{peak})
	f.reconcile(g)
	var cron *autoscalingv1alpha1.CronFederatedHPA
	for minute := 1; minute <= 3; minute++ {
		f.at(time.Duration(minute) * time.Minute)
		cron, _ = f.reconcile(g)
	}
	h := history(g, cron, "peak")
	g.Expect(h.SuccessfulExecutions).To(BeEmpty())
	g.Expect(h.FailedExecutions).To(HaveLen(2), "trimmed to failedHistoryLimit")
	g.Expect(h.FailedExecutions[0].Message).To(Equal("Deployment gone not found in namespace prod"))
	g.Expect(h.FailedExecutions[0].ScheduleTime.Time).To(BeTemporally("==", time.Date(2026, 12, 7, 12, 3, 0, 0, time.UTC)))
	g.Expect(ready(cron).Status).To(Equal(metav1.ConditionFalse))
	g.Expect(ready(cron).Reason).To(Equal(ReasonTargetNotFound))
	g.Expect(f.drainEvents()).To(HaveEach(HavePrefix("Warning ScaleFailed rule peak")))

	// The condition stays until a run applies.
	f.at(3*time.Minute + 30*time.Second)
	cron, _ = f.reconcile(g)
	g.Expect(ready(cron).Reason).To(Equal(ReasonTargetNotFound))
}

func TestUnservedKindIsTargetNotFound(t *testing.T) {
	g := NewWithT(t)
	ref := autoscalingv2.CrossVersionObjectReference{APIVersion: "example.com/v1", Kind: "Widget", Name: "web"}
	f := newFixture(ref, []autoscalingv1alpha1.CronFederatedHPARule{rule("peak", "* * * * *", 4)})
	f.reconcile(g)
	f.at(time.Minute)
	cron, _ := f.reconcile(g)
	g.Expect(history(g, cron, "peak").FailedExecutions).To(ConsistOf(HaveField("Message", "the control plane serves no kind Widget in example.com/v1")))
	g.Expect(ready(cron).Reason).To(Equal(ReasonTargetNotFound))
}

func TestRemovedRuleHistoryIsDropped(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(deploymentRef, []autoscalingv1alpha1.CronFederatedHPARule{rule("a", "* * * * *", 4), rule("b", "* * * * *", 4)})
	f.reconcile(g)
	f.editSpec(g, func(s *autoscalingv1alpha1.CronFederatedHPASpec) { s.Rules[1].Name = "c" })
	cron, _ := f.reconcile(g)
	names := []string{}
	for _, h := range cron.Status.ExecutionHistories {
		names = append(names, h.RuleName)
	}
	g.Expect(names).To(Equal([]string{"a", "c"}))
}

func TestEditedScheduleIsRescheduled(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(deploymentRef, []autoscalingv1alpha1.CronFederatedHPARule{rule("peak", "0 9 * * *", 4)})
	cron, _ := f.reconcile(g)
	g.Expect(history(g, cron, "peak").NextExecutionTime.Time).To(BeTemporally("==", time.Date(2026, 12, 8, 9, 0, 0, 0, time.UTC)))

	f.editSpec(g, func(s *autoscalingv1alpha1.CronFederatedHPASpec) { s.Rules[0].Schedule = "*/5 * * * *" })
	cron, _ = f.reconcile(g)
	g.Expect(history(g, cron, "peak").NextExecutionTime.Time).To(BeTemporally("==", time.Date(2026, 12, 7, 12, 5, 0, 0, time.UTC)))
}
