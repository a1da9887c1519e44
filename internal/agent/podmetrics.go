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
	"fmt"
	"time"

	"github.com/go-logr/logr"
	"k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/util/retry"
	"k8s.io/utils/clock"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/manager"

	autoscalingv1alpha1 "kurator.dev/kurator/api/autoscaling/v1alpha1"
	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
	"kurator.dev/kurator/internal/autoscaling/collect"
	"kurator.dev/kurator/internal/membercluster"
)

// maxCollectTime bounds the reading of one workload's pods and usage.
const maxCollectTime = 10 * time.Second

// podMetricsReporter reports, for every Work of the agent's execution
// namespace whose manifest carries autoscalingv1alpha1.MetricsReportedLabel
// (a FederatedHPA scales the workload), the workload's pods and their
// usage in this cluster, summed, into that manifest's status: the control
// plane cannot dial a pull member to read them. It writes podMetrics and
// nothing else, and takes a report off once the label is gone.
type podMetricsReporter struct {
	namespace string
	// works lists the Works (the manager's cache); fresh reads the one
	// to write again after a conflict (the API server).
	works client.Client
	fresh client.Reader
	// pods reads a workload's pods and usage in the member.
	pods     func(ctx context.Context, w collect.Workload) ([]collect.Pod, error)
	interval time.Duration
	clock    clock.Clock
	log      logr.Logger
}

func newPodMetricsReporter(o Options, mgr manager.Manager, member *membercluster.Member, clk clock.Clock, log logr.Logger) *podMetricsReporter {
	collector := &collect.Collector{}
	return &podMetricsReporter{
		namespace: workv1alpha1.ExecutionNamespace(o.ClusterName), works: mgr.GetClient(), fresh: mgr.GetAPIReader(),
		pods: func(ctx context.Context, w collect.Workload) ([]collect.Pod, error) {
			return collector.Member(ctx, member, w)
		},
		interval: o.PodMetricsInterval, clock: clk, log: log,
	}
}

// Start reports until ctx ends.
func (p *podMetricsReporter) Start(ctx context.Context) error {
	for {
		p.report(ctx)
		select {
		case <-ctx.Done():
			return nil
		case <-p.clock.After(p.interval):
		}
	}
}

// NeedLeaderElection: the agent runs one replica per member.
func (p *podMetricsReporter) NeedLeaderElection() bool { return false }

// report reports on every Work of the namespace; a Work that cannot be
// read or written waits for the next round, when the control plane sees
// its report one interval older.
func (p *podMetricsReporter) report(ctx context.Context) {
	var works workv1alpha1.WorkList
	if err := p.works.List(ctx, &works, client.InNamespace(p.namespace)); err != nil {
		p.log.Error(err, "Cannot list the Works to report pod metrics for")
		return
	}
	for i := range works.Items {
		w := &works.Items[i]
		if !w.DeletionTimestamp.IsZero() || !reportsWanted(w) {
			continue
		}
		reports := p.summaries(ctx, w)
		if err := p.write(ctx, w, reports); err != nil {
			p.log.Error(err, "Cannot write the pod metrics report", "work", w.Name)
		}
	}
}

// reportsWanted is true when a manifest of w is labelled, or a report is
// still to be taken off.
func reportsWanted(w *workv1alpha1.Work) bool {
	for _, st := range w.Status.ManifestStatuses {
		if st.PodMetrics != nil {
			return true
		}
	}
	for _, m := range w.Spec.Workload.Manifests {
		if _, _, ok := reportedWorkload(m); ok {
			return true
		}
	}
	return false
}

// reportedObject identifies a manifest's object as its status does.
type reportedObject struct{ group, kind, namespace, name string }

func objectOf(id workv1alpha1.ResourceIdentifier) reportedObject {
	return reportedObject{group: id.Group, kind: id.Kind, namespace: id.Namespace, name: id.Name}
}

// reportedWorkload is a labelled manifest's object, decoded and as its
// status names it; ok is false for a manifest without the label or without
// a pod selector.
func reportedWorkload(m workv1alpha1.Manifest) (reportedObject, *unstructured.Unstructured, bool) {
	obj := &unstructured.Unstructured{}
	if err := obj.UnmarshalJSON(m.Raw); err != nil || obj.GetLabels()[autoscalingv1alpha1.MetricsReportedLabel] != "true" {
		return reportedObject{}, nil, false
	}
	gv, err := schema.ParseGroupVersion(obj.GetAPIVersion())
	if err != nil {
		return reportedObject{}, nil, false
	}
	if _, found, _ := unstructured.NestedMap(obj.Object, "spec", "selector"); !found {
		return reportedObject{}, nil, false
	}
	return reportedObject{group: gv.Group, kind: obj.GetKind(), namespace: obj.GetNamespace(), name: obj.GetName()}, obj, true
}

// summaries reads the pods of w's labelled workloads. A workload whose pods
// cannot be read has no entry: its last report stays and ages.
func (p *podMetricsReporter) summaries(ctx context.Context, w *workv1alpha1.Work) map[reportedObject]*workv1alpha1.PodMetricsSummary {
	out := map[reportedObject]*workv1alpha1.PodMetricsSummary{}
	for i, m := range w.Spec.Workload.Manifests {
		obj, manifest, ok := reportedWorkload(m)
		if !ok {
			continue
		}
		workload, err := podWorkload(manifest)
		if err != nil {
			p.log.Error(err, "Cannot report the pods of a manifest", "work", w.Name, "manifest", i)
			continue
		}
		cctx, cancel := context.WithTimeout(ctx, min(p.interval, maxCollectTime))
		pods, err := p.pods(cctx, workload)
		cancel()
		if err != nil {
			p.log.Error(err, "Cannot read the pods of a workload", "work", w.Name, "namespace", obj.namespace, "name", obj.name)
			continue
		}
		out[obj] = collect.Summarize(pods, p.clock.Now(), p.interval)
	}
	return out
}

// podWorkload is the namespace and pod selector of a manifest's workload.
func podWorkload(obj *unstructured.Unstructured) (collect.Workload, error) {
	raw, _, _ := unstructured.NestedMap(obj.Object, "spec", "selector")
	ls := &metav1.LabelSelector{}
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(raw, ls); err != nil {
		return collect.Workload{}, fmt.Errorf("spec.selector of %s %s is not a label selector: %w", obj.GetKind(), obj.GetName(), err)
	}
	selector, err := metav1.LabelSelectorAsSelector(ls)
	if err != nil {
		return collect.Workload{}, fmt.Errorf("spec.selector of %s %s: %w", obj.GetKind(), obj.GetName(), err)
	}
	return collect.Workload{Namespace: obj.GetNamespace(), Selector: selector}, nil
}

// write sets the podMetrics of w's manifest statuses: the new reports,
// the last one of a workload that could not be read this round, none for
// an unlabelled manifest. The merge patch is locked on the version read,
// as the executor's status writes are: neither overwrites the other's
// fields with an old copy, and a conflict reads the Work again.
func (p *podMetricsReporter) write(ctx context.Context, w *workv1alpha1.Work, reports map[reportedObject]*workv1alpha1.PodMetricsSummary) error {
	labelled := map[reportedObject]bool{}
	for _, m := range w.Spec.Workload.Manifests {
		if obj, _, ok := reportedWorkload(m); ok {
			labelled[obj] = true
		}
	}
	work := w.DeepCopy()
	first := true
	return retry.RetryOnConflict(retry.DefaultRetry, func() error {
		if !first {
			if err := p.fresh.Get(ctx, client.ObjectKeyFromObject(w), work); err != nil {
				return client.IgnoreNotFound(err)
			}
		}
		first = false
		before := work.DeepCopy()
		for i := range work.Status.ManifestStatuses {
			st := &work.Status.ManifestStatuses[i]
			obj := objectOf(st.Identifier)
			if report, ok := reports[obj]; ok {
				st.PodMetrics = report
			} else if !labelled[obj] {
				st.PodMetrics = nil
			}
		}
		if equality.Semantic.DeepEqual(before.Status, work.Status) {
			return nil
		}
		return p.works.Status().Patch(ctx, work, client.MergeFromWithOptions(before, client.MergeFromWithOptimisticLock{}))
	})
}
