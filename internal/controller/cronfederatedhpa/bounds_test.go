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
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	autoscalingv1alpha1 "kurator.dev/kurator/api/autoscaling/v1alpha1"
)

func federatedHPA(minReplicas, maxReplicas int32) *autoscalingv1alpha1.FederatedHPA {
	return &autoscalingv1alpha1.FederatedHPA{
		ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "prod"},
		Spec:       autoscalingv1alpha1.FederatedHPASpec{ScaleTargetRef: deploymentRef, MinReplicas: ptr.To(minReplicas), MaxReplicas: maxReplicas},
	}
}

func TestFederatedHPABounds(t *testing.T) {
	for _, tc := range []struct {
		name                           string
		targetMin, targetMax           *int32
		wantMin, wantMax               int32
		wantAppliedMin, wantAppliedMax *int32
		wantNote                       string
	}{
		{name: "max only", targetMax: ptr.To[int32](20), wantMin: 2, wantMax: 20, wantAppliedMax: ptr.To[int32](20)},
		{name: "min only", targetMin: ptr.To[int32](5), wantMin: 5, wantMax: 10, wantAppliedMin: ptr.To[int32](5)},
		{name: "both", targetMin: ptr.To[int32](4), targetMax: ptr.To[int32](6), wantMin: 4, wantMax: 6,
			wantAppliedMin: ptr.To[int32](4), wantAppliedMax: ptr.To[int32](6)},
		{name: "min above the current max raises max to it", targetMin: ptr.To[int32](15), wantMin: 15, wantMax: 15,
			wantAppliedMin: ptr.To[int32](15), wantAppliedMax: ptr.To[int32](15), wantNote: "maxReplicas raised from 10"},
		{name: "max below the current min lowers min to it", targetMax: ptr.To[int32](1), wantMin: 1, wantMax: 1,
			wantAppliedMin: ptr.To[int32](1), wantAppliedMax: ptr.To[int32](1), wantNote: "minReplicas lowered from 2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := NewWithT(t)
			r := autoscalingv1alpha1.CronFederatedHPARule{Name: "bounds", Schedule: "* * * * *", TargetMinReplicas: tc.targetMin, TargetMaxReplicas: tc.targetMax}
			f := newFixture(fhpaRef, []autoscalingv1alpha1.CronFederatedHPARule{r}, federatedHPA(2, 10))
			f.reconcile(g)
			f.at(time.Minute)
			cron, _ := f.reconcile(g)

			fhpa := &autoscalingv1alpha1.FederatedHPA{}
			g.Expect(f.c.Get(context.Background(), client.ObjectKey{Namespace: "prod", Name: "web"}, fhpa)).To(Succeed())
			g.Expect(*fhpa.Spec.MinReplicas).To(Equal(tc.wantMin))
			g.Expect(fhpa.Spec.MaxReplicas).To(Equal(tc.wantMax))
			g.Expect(fhpa.Spec.ScaleTargetRef).To(Equal(deploymentRef), "the rest of the spec is kept")
			runs := history(g, cron, "bounds").SuccessfulExecutions
			g.Expect(runs).To(HaveLen(1))
			g.Expect(runs[0].AppliedMinReplicas).To(Equal(tc.wantAppliedMin))
			g.Expect(runs[0].AppliedMaxReplicas).To(Equal(tc.wantAppliedMax))
			g.Expect(runs[0].AppliedReplicas).To(BeNil())
			g.Expect(f.drainEvents()).To(ConsistOf(And(HavePrefix("Normal Scaled rule bounds"), ContainSubstring(tc.wantNote))))
			g.Expect(f.replicas(g)).To(Equal(int32(2)), "the workload itself is the FederatedHPA's to scale")
		})
	}
}

func TestFederatedHPARuleWithCrossedBoundsFails(t *testing.T) {
	g := NewWithT(t)
	// The API's validation rejects such a rule; a server without it may not.
	r := autoscalingv1alpha1.CronFederatedHPARule{Name: "bounds", Schedule: "* * * * *", TargetMinReplicas: ptr.To[int32](8), TargetMaxReplicas: ptr.To[int32](3)}
	f := newFixture(fhpaRef, []autoscalingv1alpha1.CronFederatedHPARule{r}, federatedHPA(2, 10))
	f.reconcile(g)
	f.at(time.Minute)
	cron, _ := f.reconcile(g)
	g.Expect(history(g, cron, "bounds").FailedExecutions).To(ConsistOf(HaveField("Message", "targetMinReplicas 8 exceeds targetMaxReplicas 3")))
	g.Expect(ready(cron).Reason).To(Equal(ReasonInvalidBounds))
	fhpa := &autoscalingv1alpha1.FederatedHPA{}
	g.Expect(f.c.Get(context.Background(), client.ObjectKey{Namespace: "prod", Name: "web"}, fhpa)).To(Succeed())
	g.Expect(fhpa.Spec.MaxReplicas).To(Equal(int32(10)), "unchanged")
}

func TestMissingFederatedHPAIsAFailedExecution(t *testing.T) {
	g := NewWithT(t)
	r := autoscalingv1alpha1.CronFederatedHPARule{Name: "bounds", Schedule: "* * * * *", TargetMaxReplicas: ptr.To[int32](3)}
	f := newFixture(fhpaRef, []autoscalingv1alpha1.CronFederatedHPARule{r})
	f.reconcile(g)
	f.at(time.Minute)
	cron, _ := f.reconcile(g)
	g.Expect(history(g, cron, "bounds").FailedExecutions).To(ConsistOf(HaveField("Message", "FederatedHPA web not found in namespace prod")))
	g.Expect(ready(cron).Reason).To(Equal(ReasonTargetNotFound))
}

// TestScheduleIsReadInItsTimeZone: weekday 09:00 in Shanghai is 01:00 UTC.
func TestScheduleIsReadInItsTimeZone(t *testing.T) {
	g := NewWithT(t)
	morning := rule("morning", "0 9 * * 1-5", 10)
	morning.TimeZone = ptr.To("Asia/Shanghai")
	f := newFixture(deploymentRef, []autoscalingv1alpha1.CronFederatedHPARule{morning})
	cron, _ := f.reconcile(g) // Monday 20:00 in Shanghai
	g.Expect(history(g, cron, "morning").NextExecutionTime.Time).To(BeTemporally("==", time.Date(2026, 12, 8, 1, 0, 0, 0, time.UTC)))
}

// TestRuleWithoutItsValueFails: a workload rule without targetReplicas
// must not scale to zero (the API rejects it; a server without the
// validation rule may not).
func TestRuleWithoutItsValueFails(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(deploymentRef, []autoscalingv1alpha1.CronFederatedHPARule{{Name: "empty", Schedule: "* * * * *"}})
	f.reconcile(g)
	f.at(time.Minute)
	cron, _ := f.reconcile(g)
	g.Expect(f.replicas(g)).To(Equal(int32(2)))
	g.Expect(history(g, cron, "empty").FailedExecutions).To(ConsistOf(HaveField("Message", "a rule for a Deployment sets targetReplicas")))
	g.Expect(ready(cron).Reason).To(Equal(ReasonInvalidRule))

	// An edit clears the failure until the next run says otherwise.
	f.editSpec(g, func(s *autoscalingv1alpha1.CronFederatedHPASpec) { s.Rules[0].TargetReplicas = ptr.To[int32](5) })
	cron, _ = f.reconcile(g)
	g.Expect(ready(cron).Status).To(Equal(metav1.ConditionTrue))
	f.at(2 * time.Minute)
	f.reconcile(g)
	g.Expect(f.replicas(g)).To(Equal(int32(5)))
}
