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

package federatedhpa

import (
	"context"
	"math"
	"strings"
	"testing"
	"time"

	autoscalingv1 "k8s.io/api/autoscaling/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	autoscalingv1alpha1 "kurator.dev/kurator/api/autoscaling/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/autoscaling"
	"kurator.dev/kurator/internal/autoscaling/collect"
	"kurator.dev/kurator/internal/metricsprovider"
)

var now = time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)

// example12 is the seed's HPA as a FederatedHPA: 3-20 replicas, CPU 50%,
// scale down by 50% or 5 pods a minute, whichever is less.
func example12() *autoscalingv1alpha1.FederatedHPA {
	minPolicy := autoscalingv2.MinChangePolicySelect
	target := int32(50)
	return &autoscalingv1alpha1.FederatedHPA{
		ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "cost-aware-hpa", Generation: 1},
		Spec: autoscalingv1alpha1.FederatedHPASpec{
			ScaleTargetRef: autoscalingv2.CrossVersionObjectReference{APIVersion: "apps/v1", Kind: "Deployment", Name: "cost-sensitive-app"},
			MinReplicas:    ptr.To[int32](3), MaxReplicas: 20,
			Metrics: []autoscalingv2.MetricSpec{{Type: autoscalingv2.ResourceMetricSourceType, Resource: &autoscalingv2.ResourceMetricSource{
				Name: corev1.ResourceCPU, Target: autoscalingv2.MetricTarget{Type: autoscalingv2.UtilizationMetricType, AverageUtilization: &target}}}},
			Behavior: &autoscalingv2.HorizontalPodAutoscalerBehavior{ScaleDown: &autoscalingv2.HPAScalingRules{
				SelectPolicy: &minPolicy,
				Policies: []autoscalingv2.HPAScalingPolicy{
					{Type: autoscalingv2.PercentScalingPolicy, Value: 50, PeriodSeconds: 60},
					{Type: autoscalingv2.PodsScalingPolicy, Value: 5, PeriodSeconds: 60},
				},
			}},
		},
	}
}

func newReconciler(metrics metricsprovider.Provider) *Reconciler {
	return &Reconciler{Metrics: metrics, Tolerance: autoscaling.DefaultTolerance}
}

// TestLimitFromStatus: the stabilization window and the scaling policies
// are computed from what status records, so a restarted controller (a new
// Reconciler) keeps them.
func TestLimitFromStatus(t *testing.T) {
	cases := []struct {
		name            string
		recommendations []autoscalingv1alpha1.Recommendation
		events          []autoscalingv1alpha1.ScaleEvent
		want            int32
		reason          string
	}{
		{name: "a higher recommendation within 5 minutes holds the count",
			recommendations: []autoscalingv1alpha1.Recommendation{{Time: metav1.NewTime(now.Add(-time.Minute)), Replicas: 14}},
			want:            14, reason: "ScaleDownLimit"},
		{name: "past the window, 50% or 5 pods, whichever is less",
			recommendations: []autoscalingv1alpha1.Recommendation{{Time: metav1.NewTime(now.Add(-301 * time.Second)), Replicas: 14}},
			want:            9, reason: "ScaleDownLimit"},
		{name: "5 pods already removed within the minute",
			events: []autoscalingv1alpha1.ScaleEvent{{Time: metav1.NewTime(now.Add(-30 * time.Second)), From: 19, To: 14}},
			want:   14, reason: "ScaleDownLimit"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fhpa := example12()
			fhpa.Status.Recommendations, fhpa.Status.ScaleEvents = tc.recommendations, tc.events
			got := newReconciler(nil).limit(fhpa, 14, 3, now)
			if got != tc.want {
				t.Fatalf("limited to %d, want %d", got, tc.want)
			}
			c := conditionOf(fhpa, autoscalingv2.ScalingLimited)
			if c == nil || c.Reason != tc.reason {
				t.Fatalf("ScalingLimited %+v, want reason %s", c, tc.reason)
			}
			recs := fhpa.Status.Recommendations
			if last := recs[len(recs)-1]; last.Replicas != 3 || !last.Time.Time.Equal(now) {
				t.Fatalf("recommendation not recorded: %+v", recs)
			}
		})
	}
	// Old recommendations are dropped once past every window.
	fhpa := example12()
	fhpa.Status.Recommendations = []autoscalingv1alpha1.Recommendation{{Time: metav1.NewTime(now.Add(-10 * time.Minute)), Replicas: 14}}
	newReconciler(nil).limit(fhpa, 14, 14, now)
	if len(fhpa.Status.Recommendations) != 1 {
		t.Fatalf("stale recommendations kept: %+v", fhpa.Status.Recommendations)
	}
}

func conditionOf(fhpa *autoscalingv1alpha1.FederatedHPA, typ autoscalingv2.HorizontalPodAutoscalerConditionType) *autoscalingv2.HorizontalPodAutoscalerCondition {
	for i := range fhpa.Status.Conditions {
		if fhpa.Status.Conditions[i].Type == typ {
			return &fhpa.Status.Conditions[i]
		}
	}
	return nil
}

// pod is a ready pod of the workload using cpu of a 100m request.
func pod(cpu string) collect.Pod {
	return collect.Pod{Ready: true,
		Requests: map[string]corev1.ResourceList{"app": {corev1.ResourceCPU: resource.MustParse("100m")}},
		Usage:    map[string]corev1.ResourceList{"app": {corev1.ResourceCPU: resource.MustParse(cpu)}}}
}

func placed(replicas int32, clusters map[string]int32) *target {
	b := &workv1alpha2.ResourceBinding{Spec: workv1alpha2.ResourceBindingSpec{Replicas: replicas}}
	for name, n := range clusters {
		b.Spec.Clusters = append(b.Spec.Clusters, workv1alpha2.TargetCluster{Name: name, Replicas: n})
	}
	return &target{scale: &autoscalingv1.Scale{Spec: autoscalingv1.ScaleSpec{Replicas: replicas}}, binding: b}
}

type fakeProvider struct {
	instant float64
	series  []metricsprovider.Point
	queries []string
	ranges  int
}

func (f *fakeProvider) Query(_ context.Context, q string, _ time.Time) ([]metricsprovider.Sample, error) {
	f.queries = append(f.queries, q)
	return []metricsprovider.Sample{{Value: f.instant}}, nil
}
func (f *fakeProvider) QueryRange(context.Context, string, time.Time, time.Time, time.Duration) ([]metricsprovider.Point, error) {
	f.ranges++
	return f.series, nil
}
func (f *fakeProvider) String() string { return "fake" }

func TestPropose(t *testing.T) {
	t4 := placed(4, map[string]int32{"a": 2, "b": 2})
	answers := []collect.Cluster{{Name: "a", Pods: []collect.Pod{pod("80m"), pod("80m")}}, {Name: "b", Pods: []collect.Pod{pod("80m"), pod("80m")}}}

	// Example 12's CPU target: 80% against 50% asks for 7.
	fhpa := example12()
	p, err := newReconciler(nil).propose(context.Background(), fhpa, t4, answers, now)
	if err != nil || p.replicas != 7 {
		t.Fatalf("got %+v, %v; want 7 replicas", p, err)
	}
	if u := fhpa.Status.CurrentMetrics[0].Resource.Current.AverageUtilization; u == nil || *u != 80 {
		t.Fatalf("current metrics %+v, want 80%%", fhpa.Status.CurrentMetrics)
	}

	// No metric: Karmada's default, 80% CPU: on target.
	fhpa.Spec.Metrics = nil
	if p, err := newReconciler(nil).propose(context.Background(), fhpa, t4, answers, now); err != nil || p.replicas != 4 {
		t.Fatalf("default metric: got %+v, %v; want 4", p, err)
	}

	// An External metric summed over the clusters: 120 against 10 per pod.
	provider := &fakeProvider{instant: 120}
	fhpa.Spec.Metrics = []autoscalingv2.MetricSpec{{Type: autoscalingv2.ExternalMetricSourceType, External: &autoscalingv2.ExternalMetricSource{
		Metric: autoscalingv2.MetricIdentifier{Name: "queue_messages_ready", Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"queue": "orders"}}},
		Target: autoscalingv2.MetricTarget{Type: autoscalingv2.AverageValueMetricType, AverageValue: resource.NewQuantity(10, resource.DecimalSI)},
	}}}
	if p, err := newReconciler(provider).propose(context.Background(), fhpa, t4, answers, now); err != nil || p.replicas != 12 {
		t.Fatalf("external: got %+v, %v; want 12", p, err)
	}
	if want := `sum(queue_messages_ready{queue="orders"})`; len(provider.queries) != 1 || provider.queries[0] != want {
		t.Fatalf("queries %v, want %s", provider.queries, want)
	}

	// An unsupported metric alone stops scaling with the HPA's reason; next
	// to a valid one it only prevents scaling down.
	object := autoscalingv2.MetricSpec{Type: autoscalingv2.ObjectMetricSourceType}
	fhpa.Spec.Metrics = []autoscalingv2.MetricSpec{object}
	if p, err := newReconciler(nil).propose(context.Background(), fhpa, t4, answers, now); err == nil || p.reason != "InvalidMetricSourceType" {
		t.Fatalf("object metric: got %+v, %v", p, err)
	}
	idle := []collect.Cluster{{Name: "a", Pods: []collect.Pod{pod("10m"), pod("10m")}}, {Name: "b", Pods: []collect.Pod{pod("10m"), pod("10m")}}}
	fhpa.Spec.Metrics = append(example12().Spec.Metrics, object)
	if p, err := newReconciler(nil).propose(context.Background(), fhpa, t4, idle, now); err != nil || p.replicas != 4 {
		t.Fatalf("idle with a failing metric: got %+v, %v; want 4 (no scale-down)", p, err)
	}
}

func TestExternalQuery(t *testing.T) {
	q, err := ExternalQuery(autoscalingv2.MetricIdentifier{Name: "redis_list_length", Selector: &metav1.LabelSelector{
		MatchLabels:      map[string]string{"list": "jobs", "app": "worker"},
		MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "cluster", Operator: metav1.LabelSelectorOpIn, Values: []string{"a.b", "c"}}, {Key: "tier", Operator: metav1.LabelSelectorOpExists}},
	}})
	if want := `sum(redis_list_length{app="worker",list="jobs",cluster=~"a\\.b|c",tier!=""})`; err != nil || q != want {
		t.Fatalf("got %s, %v; want %s", q, err, want)
	}
	for _, bad := range []autoscalingv2.MetricIdentifier{{Name: "bad name"}, {Name: "m", Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"a-b": "c"}}}} {
		if _, err := ExternalQuery(bad); err == nil {
			t.Fatalf("%+v accepted", bad)
		}
	}
}

// dailySine is two days of a load that peaks at 300 at 18:00 and bottoms
// at 100 at 06:00, every 5 minutes, ending at now.
func dailySine() []metricsprovider.Point {
	var out []metricsprovider.Point
	for at := now.Add(-48 * time.Hour); !at.After(now); at = at.Add(5 * time.Minute) {
		hours := float64(at.Hour()) + float64(at.Minute())/60
		out = append(out, metricsprovider.Point{Time: at, Value: 200 - 100*math.Cos((hours-6)/24*2*math.Pi)})
	}
	return out
}

func TestPredict(t *testing.T) {
	provider := &fakeProvider{series: dailySine()}
	fhpa := example12()
	fhpa.Spec.Prediction = &autoscalingv1alpha1.Prediction{Query: "sum(rate(istio_requests_total[5m]))", Algorithm: autoscalingv1alpha1.PredictionSeasonal,
		Mode: autoscalingv1alpha1.PredictionPreview, HistoryLength: &metav1.Duration{Duration: 48 * time.Hour}, PredictionWindowSeconds: ptr.To[int32](3 * 3600)}
	fhpa.Status.ObservedGeneration = ptr.To[int64](1)
	r := newReconciler(provider)
	// At 10:00 the load is 200·(1 − cos(π/6))… about 113; by 13:00 it is
	// about 200: the forecast peak within three hours needs more replicas.
	if got := r.predict(context.Background(), fhpa, 4, now); got != 4 {
		t.Fatalf("preview changed the proposal to %d", got)
	}
	s := fhpa.Status.Prediction
	if s == nil || s.Message != "" || s.PredictedReplicas <= 4 || s.PeakTime == nil || !strings.Contains(s.Method, "daily") {
		t.Fatalf("prediction status %+v", s)
	}
	predicted := s.PredictedReplicas
	// Within five minutes the forecast stands, even for a new controller.
	fhpa.Spec.Prediction.Mode = autoscalingv1alpha1.PredictionAuto
	if got := newReconciler(provider).predict(context.Background(), fhpa, 4, now.Add(4*time.Minute)); got != predicted || provider.ranges != 1 {
		t.Fatalf("auto: got %d (%d range queries), want the stored %d", got, provider.ranges, predicted)
	}
	// Never below the reactive recommendation.
	if got := r.predict(context.Background(), fhpa, predicted+5, now.Add(4*time.Minute)); got != predicted+5 {
		t.Fatalf("auto went below the reactive recommendation: %d", got)
	}
	// Too little history: reactive scaling goes on, and status says why.
	provider.series = provider.series[len(provider.series)-100:]
	if got := r.predict(context.Background(), fhpa, 4, now.Add(10*time.Minute)); got != 4 || !strings.Contains(fhpa.Status.Prediction.Message, "too short") {
		t.Fatalf("short history: got %d, status %+v", got, fhpa.Status.Prediction)
	}
}

func TestNoRoom(t *testing.T) {
	b := &workv1alpha2.ResourceBinding{ObjectMeta: metav1.ObjectMeta{Generation: 3}}
	if got := noRoom(b); got != "" {
		t.Fatalf("no condition: %q", got)
	}
	b.Status.Conditions = []metav1.Condition{{Type: workv1alpha2.ConditionScheduled, Status: metav1.ConditionFalse,
		Reason: workv1alpha2.BindingReasonUnschedulable, Message: "room for 6 of 12", ObservedGeneration: 3}}
	if got := noRoom(b); got != "room for 6 of 12" {
		t.Fatalf("unschedulable: %q", got)
	}
	// A verdict on an older generation (the replicas changed since) says
	// nothing yet.
	b.Generation = 4
	if got := noRoom(b); got != "" {
		t.Fatalf("stale condition: %q", got)
	}
}
