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

package bench

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/go-logr/logr"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"

	argoprojv1alpha1 "kurator.dev/kurator/api/argoproj/v1alpha1"
	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	rolloutv1alpha1 "kurator.dev/kurator/api/rollout/v1alpha1"
	"kurator.dev/kurator/internal/kubeletsim"
	"kurator.dev/kurator/test/framework"
)

// BenchmarkStagedRollout measures staged rollouts on one fleet with
// Prometheus (simulated load), three runs each:
//   - overhead: a strategy of three one-cluster stages without gates; the
//     time from the template change to the run's success, per stage (what
//     Kurator adds beyond configured waits, plus the simulated pods' start);
//   - rollback: a release failing half its requests in the first stage,
//     analysed every 2 s; the time from the failing measurement to every
//     cluster back on the stable version (the run RolledBack and the member
//     serving the previous image).
func BenchmarkStagedRollout(b *testing.B) {
	ctrllog.SetLogger(logr.Discard())
	f, err := framework.StartWith(b.Context(), framework.Options{Prometheus: true})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = f.Stop() })
	var perStage, rollback []time.Duration
	for run := range 3 {
		perStage = append(perStage, stagedOnce(b, f, fmt.Sprintf("staged-%d", run), false)/3)
		rollback = append(rollback, stagedOnce(b, f, fmt.Sprintf("rollback-%d", run), true))
	}
	b.ReportMetric(float64(percentile(perStage, 0.5).Milliseconds()), "stage-ms-p50")
	b.ReportMetric(float64(slices.Max(perStage).Milliseconds()), "stage-ms-max")
	b.ReportMetric(float64(percentile(rollback, 0.5).Milliseconds()), "rollback-ms-p50")
	b.ReportMetric(float64(slices.Max(rollback).Milliseconds()), "rollback-ms-max")
}

func stagedObjects(ns, image string, failing bool) []client.Object {
	labels := map[string]string{"app": "reviews"}
	annotations := map[string]string{}
	if failing {
		annotations[kubeletsim.ErrorRateAnnotation] = "0.5"
	}
	stage := func(name, provider string) rolloutv1alpha1.StageConfig {
		return rolloutv1alpha1.StageConfig{Name: name, LabelSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"provider": provider}}}
	}
	first := stage("one", "huawei")
	first.AfterStageTasks = []rolloutv1alpha1.StageTask{{Type: rolloutv1alpha1.StageTaskAnalysis, Analysis: &rolloutv1alpha1.AnalysisTask{
		Templates: []rolloutv1alpha1.AnalysisTemplateRef{{TemplateName: "success-rate"}}, Scope: rolloutv1alpha1.AnalysisScopeCluster}}}
	sel := `reporter="destination",destination_workload_namespace="{{args.namespace}}",destination_workload="{{args.workload}}",cluster=~"{{args.cluster-regex}}"`
	return []client.Object{
		&argoprojv1alpha1.AnalysisTemplate{ObjectMeta: metav1.ObjectMeta{Name: "success-rate", Namespace: ns}, Spec: argoprojv1alpha1.AnalysisTemplateSpec{
			Args: []argoprojv1alpha1.Argument{{Name: "namespace"}, {Name: "workload"}, {Name: "cluster-regex"}},
			Metrics: []argoprojv1alpha1.Metric{{
				Name: "success-rate", Interval: "2s", Count: ptr.To(intstr.FromInt32(3)), SuccessCondition: "result[0] >= 0.99",
				Provider: argoprojv1alpha1.MetricProvider{Prometheus: &argoprojv1alpha1.PrometheusMetric{
					Query: `sum(rate(istio_requests_total{` + sel + `,response_code!~"5.."}[20s])) / sum(rate(istio_requests_total{` + sel + `}[20s]))`,
				}},
			}},
		}},
		&rolloutv1alpha1.StagedUpdateStrategy{ObjectMeta: metav1.ObjectMeta{Name: "three", Namespace: ns}, Spec: rolloutv1alpha1.StagedUpdateStrategySpec{
			Stages: []rolloutv1alpha1.StageConfig{first, stage("two", "alibaba"), stage("three", "aws")},
		}},
		&appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "reviews", Namespace: ns}, Spec: appsv1.DeploymentSpec{
			Replicas: ptr.To[int32](3), Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels, Annotations: annotations},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: image}}}}}},
		&corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "reviews", Namespace: ns}, Spec: corev1.ServiceSpec{Selector: labels, Ports: []corev1.ServicePort{{Port: 80}}}},
		&policyv1alpha1.PropagationPolicy{ObjectMeta: metav1.ObjectMeta{Name: "reviews", Namespace: ns}, Spec: policyv1alpha1.PropagationSpec{
			ResourceSelectors: []policyv1alpha1.ResourceSelector{{APIVersion: "apps/v1", Kind: "Deployment", Name: "reviews"}, {APIVersion: "v1", Kind: "Service", Name: "reviews"}},
			Placement:         policyv1alpha1.Placement{ClusterAffinity: &policyv1alpha1.ClusterAffinity{ClusterNames: trafficMembers}},
			RolloutStrategy:   &policyv1alpha1.RolloutStrategyReference{Name: "three"},
		}},
	}
}

// stagedOnce rolls v2 out and returns the whole run's time, or (failing)
// the time from the failing measurement to the member serving v1 again.
func stagedOnce(b *testing.B, f *framework.Fleet, ns string, failing bool) time.Duration {
	ctx := b.Context()
	c := fastClient(b, f)
	createNamespace(b, ctx, c, ns)
	for _, obj := range stagedObjects(ns, "reviews:v1", false) {
		if err := c.Create(ctx, obj); err != nil {
			b.Fatal(err)
		}
	}
	waitFor(b, 2*time.Minute, "v1 everywhere", func() bool { return imagesAre(ctx, f, ns, "reviews:v1") })
	d := &appsv1.Deployment{}
	if err := c.Get(ctx, client.ObjectKey{Namespace: ns, Name: "reviews"}, d); err != nil {
		b.Fatal(err)
	}
	patch := client.MergeFrom(d.DeepCopy())
	d.Spec.Template.Spec.Containers[0].Image = "reviews:v2"
	if failing {
		d.Spec.Template.Annotations = map[string]string{kubeletsim.ErrorRateAnnotation: "0.5"}
	}
	start := time.Now()
	if err := c.Patch(ctx, d, patch); err != nil {
		b.Fatal(err)
	}
	want := rolloutv1alpha1.RunPhaseSucceeded
	if failing {
		want = rolloutv1alpha1.RunPhaseRolledBack
	}
	var run *rolloutv1alpha1.StagedUpdateRun
	waitFor(b, 3*time.Minute, string(want), func() bool {
		run = newestRun(ctx, c, ns)
		return run != nil && run.Status.Phase == want
	})
	if !failing {
		return time.Since(start)
	}
	waitFor(b, time.Minute, "v1 everywhere again", func() bool { return imagesAre(ctx, f, ns, "reviews:v1") })
	back := time.Now()
	failed := failingMeasurement(run)
	if failed.IsZero() {
		b.Fatalf("no failing measurement in run %s", run.Name)
	}
	return back.Sub(failed)
}

func newestRun(ctx context.Context, c client.Client, ns string) *rolloutv1alpha1.StagedUpdateRun {
	runs := &rolloutv1alpha1.StagedUpdateRunList{}
	if err := c.List(ctx, runs, client.InNamespace(ns)); err != nil || len(runs.Items) == 0 {
		return nil
	}
	newest := &runs.Items[0]
	for i := range runs.Items {
		if runs.Items[i].CreationTimestamp.After(newest.CreationTimestamp.Time) {
			newest = &runs.Items[i]
		}
	}
	return newest
}

// failingMeasurement is when the first Failed measurement finished.
func failingMeasurement(run *rolloutv1alpha1.StagedUpdateRun) time.Time {
	var first time.Time
	for _, stage := range run.Status.Stages {
		for _, task := range stage.AfterStageTasks {
			for _, a := range task.Analyses {
				for _, m := range a.Metrics {
					for _, ms := range m.Measurements {
						if ms.Phase == argoprojv1alpha1.AnalysisPhaseFailed && ms.FinishedAt != nil && (first.IsZero() || ms.FinishedAt.Before(&metav1.Time{Time: first})) {
							first = ms.FinishedAt.Time
						}
					}
				}
			}
		}
	}
	return first
}

func imagesAre(ctx context.Context, f *framework.Fleet, ns, image string) bool {
	for _, m := range trafficMembers {
		cs, err := f.Member(m)
		if err != nil {
			return false
		}
		d, err := cs.AppsV1().Deployments(ns).Get(ctx, "reviews", metav1.GetOptions{})
		if err != nil || d.Spec.Template.Spec.Containers[0].Image != image || d.Status.UpdatedReplicas != 3 || d.Status.AvailableReplicas != 3 {
			return false
		}
	}
	return true
}
