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

package cli

import (
	"bytes"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	networkingv1alpha1 "kurator.dev/kurator/api/networking/v1alpha1"
)

func trafficPolicy(now time.Time) *networkingv1alpha1.TrafficPolicy {
	return &networkingv1alpha1.TrafficPolicy{
		ObjectMeta: metav1.ObjectMeta{Name: "reviews", Namespace: "prod", CreationTimestamp: metav1.NewTime(now.Add(-time.Hour))},
		Spec: networkingv1alpha1.TrafficPolicySpec{
			Host:        "reviews.prod.svc.cluster.local",
			WorkloadRef: &networkingv1alpha1.WorkloadReference{APIVersion: "apps/v1", Kind: "Deployment", Name: "reviews"},
			SLO:         &networkingv1alpha1.TrafficSLO{MinSuccessRate: "99", Interval: &metav1.Duration{Duration: 5 * time.Second}},
		},
		Status: networkingv1alpha1.TrafficPolicyStatus{
			LastChangeTime: &metav1.Time{Time: now.Add(-2 * time.Minute)},
			Clusters: []networkingv1alpha1.ClusterTraffic{
				{Name: "hz", Weight: 0, RouteWeight: 0, Target: 0, BaseWeight: 5, Health: 0, Breaches: 2, SuccessRate: "50.00", LatencyP99: "64ms",
					Recovering: true, Reasons: []string{"success rate 50.0% below 99%", "objectives missed for 2 consecutive intervals"}},
				{Name: "sh", Weight: 100, RouteWeight: 100, Target: 100, BaseWeight: 5, Health: 100, SuccessRate: "100.00", LatencyP99: "62ms"},
			},
			Conditions: []metav1.Condition{
				{Type: networkingv1alpha1.ConditionReady, Status: metav1.ConditionTrue, Reason: networkingv1alpha1.ReasonWeightsDecided, Message: "weights decided and applied in every member"},
				{Type: networkingv1alpha1.ConditionMetricsAvailable, Status: metav1.ConditionTrue, Reason: networkingv1alpha1.ReasonMetricsRead, Message: "SLIs read"},
			},
		},
	}
}

func TestTrafficTable(t *testing.T) {
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	var out bytes.Buffer
	printTrafficTable(&out, []networkingv1alpha1.TrafficPolicy{*trafficPolicy(now)}, true, now)
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("want a header and one row:\n%s", out.String())
	}
	for _, want := range []string{"HOST", "WEIGHTS", "HEALTH"} {
		if !strings.Contains(lines[0], want) {
			t.Errorf("header lacks %s: %s", want, lines[0])
		}
	}
	for _, want := range []string{"reviews.prod.svc.cluster.local", "True", "hz=0,sh=100", "2m", "hz=0,sh=100"} {
		if !strings.Contains(lines[1], want) {
			t.Errorf("row lacks %q: %s", want, lines[1])
		}
	}
}

func TestDescribeTrafficExplainsEveryCluster(t *testing.T) {
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	var out bytes.Buffer
	describeTraffic(&out, trafficPolicy(now), nil, now)
	for _, want := range []string{
		"Host:         reviews.prod.svc.cluster.local",
		"Workload:     apps/v1 Deployment/reviews",
		"Base weights: replica split",
		"Objectives:   success rate >= 99%, measured every 5s over 20s, drained after 2 missed intervals",
		"Guards:       floor 0, hysteresis 5 points, cooldown 30s, max step 20 points, recovery in 3 steps",
		"hz (recovering)", "50.00%", "success rate 50.0% below 99%; objectives missed for 2 consecutive intervals",
		"MetricsAvailable", "WeightsDecided", "Events:       <none>",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("describe lacks %q:\n%s", want, out.String())
		}
	}
}
