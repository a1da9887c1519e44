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

package agent

import (
	"context"
	"testing"
	"time"

	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	clocktesting "k8s.io/utils/clock/testing"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"

	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
	"kurator.dev/kurator/internal/autoscaling/collect"
	"kurator.dev/kurator/internal/scheme"
)

const labelledDeployment = `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"shop",
"labels":{"app":"web","autoscaling.kurator.dev/metrics-reported":"true"}},"spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}}}}`

func reportedWork() *workv1alpha1.Work {
	w := &workv1alpha1.Work{ObjectMeta: metav1.ObjectMeta{Namespace: "karmada-es-edge", Name: "web-x1"}}
	w.Spec.Workload.Manifests = []workv1alpha1.Manifest{
		{RawExtension: runtime.RawExtension{Raw: []byte(labelledDeployment)}},
		{RawExtension: runtime.RawExtension{Raw: []byte(`{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"conf","namespace":"shop"}}`)}},
	}
	w.Status.ManifestStatuses = []workv1alpha1.ManifestStatus{
		{Identifier: workv1alpha1.ResourceIdentifier{Ordinal: 0, Group: "apps", Version: "v1", Kind: "Deployment", Resource: "deployments", Namespace: "shop", Name: "web"},
			Health: workv1alpha1.ResourceHealthy, AppliedDigest: "digest-web"},
		{Identifier: workv1alpha1.ResourceIdentifier{Ordinal: 1, Version: "v1", Kind: "ConfigMap", Resource: "configmaps", Namespace: "shop", Name: "conf"},
			Health: workv1alpha1.ResourceHealthy, AppliedDigest: "digest-conf"},
	}
	return w
}

func readyPod(cpu string) collect.Pod {
	return collect.Pod{Ready: true,
		Requests: map[string]corev1.ResourceList{"app": {corev1.ResourceCPU: resource.MustParse("100m")}},
		Usage:    map[string]corev1.ResourceList{"app": {corev1.ResourceCPU: resource.MustParse(cpu)}}}
}

// The reporter writes the labelled workload's summary into its manifest
// status and nothing else: a status the executor wrote meanwhile (the
// report's first write conflicts) is kept, and the report goes once the
// label is gone.
func TestPodMetricsReporterWritesOnlyItsReport(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	var plane client.Client
	executorWrote := false
	plane = fake.NewClientBuilder().WithScheme(scheme.Scheme).WithObjects(reportedWork()).WithStatusSubresource(&workv1alpha1.Work{}).
		WithInterceptorFuncs(interceptor.Funcs{SubResourcePatch: func(ctx context.Context, c client.Client, sub string, obj client.Object, patch client.Patch, opts ...client.SubResourcePatchOption) error {
			if !executorWrote {
				// The executor's write lands between the reporter's read
				// and its patch.
				executorWrote = true
				w := &workv1alpha1.Work{}
				if err := c.Get(ctx, client.ObjectKeyFromObject(obj), w); err != nil {
					return err
				}
				apimeta.SetStatusCondition(&w.Status.Conditions, metav1.Condition{Type: workv1alpha1.ConditionAvailable, Status: metav1.ConditionFalse,
					Reason: workv1alpha1.ReasonNotHealthy, LastTransitionTime: metav1.NewTime(now)})
				w.Status.ManifestStatuses[1].Health = workv1alpha1.ResourceUnhealthy
				if err := c.Status().Update(ctx, w); err != nil {
					return err
				}
			}
			return c.SubResource(sub).Patch(ctx, obj, patch, opts...)
		}}).Build()
	var asked []collect.Workload
	r := &podMetricsReporter{namespace: "karmada-es-edge", works: plane, fresh: plane, interval: 15 * time.Second,
		clock: clocktesting.NewFakeClock(now), log: logr.Discard(),
		pods: func(_ context.Context, w collect.Workload) ([]collect.Pod, error) {
			asked = append(asked, w)
			return []collect.Pod{readyPod("30m"), readyPod("50m")}, nil
		}}

	r.report(ctx)
	if len(asked) != 1 || asked[0].Namespace != "shop" || !asked[0].Selector.Matches(labels.Set{"app": "web"}) || asked[0].Selector.Matches(labels.Set{"app": "api"}) {
		t.Fatalf("pods read for %+v; want once, for app=web in shop", asked)
	}
	w := &workv1alpha1.Work{}
	if err := plane.Get(ctx, client.ObjectKey{Namespace: "karmada-es-edge", Name: "web-x1"}, w); err != nil {
		t.Fatal(err)
	}
	web, conf := w.Status.ManifestStatuses[0], w.Status.ManifestStatuses[1]
	if web.PodMetrics == nil || web.PodMetrics.Pods != 2 || web.PodMetrics.ReadyPods != 2 || !web.PodMetrics.CollectTime.Time.Equal(now) ||
		web.PodMetrics.ReportInterval.Duration != 15*time.Second {
		t.Fatalf("the Deployment's report: %+v", web.PodMetrics)
	}
	if samples, ok := collect.SummarySamples(web.PodMetrics, corev1.ResourceCPU, ""); !ok || len(samples) != 2 || samples[0].Value+samples[1].Value != 80 {
		t.Errorf("the report's cpu samples: %+v (%v); want 2 pods using 80m", samples, ok)
	}
	if conf.PodMetrics != nil || web.AppliedDigest != "digest-web" || conf.AppliedDigest != "digest-conf" || web.Health != workv1alpha1.ResourceHealthy {
		t.Errorf("the executor's fields changed: %+v", w.Status.ManifestStatuses)
	}
	if !executorWrote || conf.Health != workv1alpha1.ResourceUnhealthy || apimeta.FindStatusCondition(w.Status.Conditions, workv1alpha1.ConditionAvailable) == nil {
		t.Errorf("the executor's concurrent write was lost: %+v, %+v", w.Status.ManifestStatuses, w.Status.Conditions)
	}

	// No FederatedHPA scales the template any more.
	w.Spec.Workload.Manifests[0].Raw = []byte(`{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"shop"},
"spec":{"selector":{"matchLabels":{"app":"web"}}}}`)
	if err := plane.Update(ctx, w); err != nil {
		t.Fatal(err)
	}
	asked = nil
	r.report(ctx)
	if err := plane.Get(ctx, client.ObjectKeyFromObject(w), w); err != nil {
		t.Fatal(err)
	}
	if len(asked) != 0 || w.Status.ManifestStatuses[0].PodMetrics != nil {
		t.Errorf("unlabelled: pods read for %+v, report %+v; want neither", asked, w.Status.ManifestStatuses[0].PodMetrics)
	}
}
