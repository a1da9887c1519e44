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
	"errors"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strings"
	"time"

	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	autoscalingv1alpha1 "kurator.dev/kurator/api/autoscaling/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/autoscaling"
	"kurator.dev/kurator/internal/autoscaling/collect"
)

// proposal is what the metrics ask for, before the behaviour limits it.
type proposal struct {
	replicas   int32
	metricName string // of the metric that asked for the most
	reason     string // the condition reason when no metric could be computed
	detail     string // why, for the scaling event
}

// defaultMetrics is Karmada's default: 80% average CPU utilization.
func defaultMetrics() []autoscalingv2.MetricSpec {
	target := autoscalingv1alpha1.DefaultCPUUtilization
	return []autoscalingv2.MetricSpec{{Type: autoscalingv2.ResourceMetricSourceType, Resource: &autoscalingv2.ResourceMetricSource{
		Name: corev1.ResourceCPU, Target: autoscalingv2.MetricTarget{Type: autoscalingv2.UtilizationMetricType, AverageUtilization: &target},
	}}}
}

// propose computes every metric and takes the largest count, as the HPA
// does. A metric that cannot be computed never lets the others scale
// down.
func (r *Reconciler) propose(ctx context.Context, fhpa *autoscalingv1alpha1.FederatedHPA, t *target, answers []collect.Cluster, now time.Time) (proposal, error) {
	specs := fhpa.Spec.Metrics
	if len(specs) == 0 {
		specs = defaultMetrics()
	}
	current := t.scale.Spec.Replicas
	best := proposal{replicas: -1}
	var failures []string
	reason := "FailedGetResourceMetric"
	statuses := make([]autoscalingv2.MetricStatus, 0, len(specs))
	for _, spec := range specs {
		res, status, name, err := r.metric(ctx, fhpa.Namespace, spec, current, t.binding, answers, now)
		if err != nil {
			failures = append(failures, name+": "+err.Error())
			if spec.Type == autoscalingv2.ExternalMetricSourceType {
				reason = "FailedGetExternalMetric"
			}
			var unsupported unsupportedError
			if errors.As(err, &unsupported) {
				reason = "InvalidMetricSourceType"
			}
			continue
		}
		statuses = append(statuses, status)
		if res.Replicas > best.replicas {
			best = proposal{replicas: res.Replicas, metricName: name, detail: res.String()}
		}
	}
	fhpa.Status.CurrentMetrics = statuses
	if best.replicas < 0 {
		return proposal{reason: reason}, errors.New(strings.Join(failures, "; "))
	}
	if len(failures) > 0 && best.replicas < current {
		best.replicas, best.detail = current, "no scale-down while a metric cannot be read: "+strings.Join(failures, "; ")
	}
	return best, nil
}

type unsupportedError struct {
	typ autoscalingv2.MetricSourceType
}

func (e unsupportedError) Error() string {
	return fmt.Sprintf("metric type %s is not supported: use Resource, ContainerResource or External", e.typ)
}

// metric computes one metric spec; name describes it for conditions.
func (r *Reconciler) metric(ctx context.Context, namespace string, spec autoscalingv2.MetricSpec, current int32, binding *workv1alpha2.ResourceBinding,
	answers []collect.Cluster, now time.Time) (autoscaling.Result, autoscalingv2.MetricStatus, string, error) {
	fleet := autoscaling.Fleet{Template: current, Tolerance: r.Tolerance}
	assigned := map[string]int32{}
	for _, tc := range binding.Spec.Clusters {
		assigned[tc.Name] = tc.Replicas
	}
	pods := func(resourceName corev1.ResourceName, container string) {
		for _, a := range answers {
			samples, ok := a.Samples(resourceName, container)
			fleet.Clusters = append(fleet.Clusters, autoscaling.ClusterPods{
				Name: a.Name, Assigned: assigned[a.Name], Stale: a.Stale || !ok, Pods: samples,
			})
		}
	}
	switch spec.Type {
	case autoscalingv2.ResourceMetricSourceType, autoscalingv2.ContainerResourceMetricSourceType:
		var name corev1.ResourceName
		var container string
		var target autoscalingv2.MetricTarget
		if spec.Resource != nil {
			name, target = spec.Resource.Name, spec.Resource.Target
		} else if spec.ContainerResource != nil {
			name, container, target = spec.ContainerResource.Name, spec.ContainerResource.Container, spec.ContainerResource.Target
		} else {
			return autoscaling.Result{}, autoscalingv2.MetricStatus{}, string(spec.Type), errors.New("the metric's source is not set")
		}
		label := string(name) + " resource"
		if container != "" {
			label = string(name) + " resource of container " + container
		}
		pods(name, container)
		current := autoscalingv2.MetricValueStatus{}
		var res autoscaling.Result
		var err error
		switch {
		case target.AverageUtilization != nil:
			res, err = fleet.Utilization(*target.AverageUtilization)
			u := int32(res.Current)
			current.AverageUtilization = &u
			label += " utilization (percentage of request)"
		case target.AverageValue != nil:
			res, err = fleet.AverageValue(target.AverageValue.MilliValue())
			current.AverageValue = resource.NewMilliQuantity(res.Current, target.AverageValue.Format)
		default:
			err = errors.New("a resource metric's target needs averageUtilization or averageValue")
		}
		if err != nil {
			return res, autoscalingv2.MetricStatus{}, label, err
		}
		status := autoscalingv2.MetricStatus{Type: spec.Type}
		if container != "" {
			status.ContainerResource = &autoscalingv2.ContainerResourceMetricStatus{Name: name, Container: container, Current: current}
		} else {
			status.Resource = &autoscalingv2.ResourceMetricStatus{Name: name, Current: current}
		}
		return res, status, label, nil
	case autoscalingv2.ExternalMetricSourceType:
		if spec.External == nil {
			return autoscaling.Result{}, autoscalingv2.MetricStatus{}, "external metric", errors.New("the metric's source is not set")
		}
		label := "external metric " + spec.External.Metric.Name
		for _, a := range answers {
			fleet.Clusters = append(fleet.Clusters, autoscaling.ClusterPods{Name: a.Name, Assigned: assigned[a.Name]})
		}
		total, err := r.external(ctx, spec.External.Metric, now)
		if err != nil {
			return autoscaling.Result{}, autoscalingv2.MetricStatus{}, label, err
		}
		target := spec.External.Target
		current := autoscalingv2.MetricValueStatus{}
		var res autoscaling.Result
		switch {
		case target.AverageValue != nil:
			res = fleet.Total(total, 0, target.AverageValue.MilliValue())
			current.AverageValue = resource.NewMilliQuantity(total/int64(max(fleet.Assigned(), 1)), resource.DecimalSI)
		case target.Value != nil:
			res = fleet.Total(total, target.Value.MilliValue(), 0)
			current.Value = resource.NewMilliQuantity(total, resource.DecimalSI)
		default:
			return res, autoscalingv2.MetricStatus{}, label, errors.New("an external metric's target needs value or averageValue")
		}
		return res, autoscalingv2.MetricStatus{Type: spec.Type, External: &autoscalingv2.ExternalMetricStatus{Metric: spec.External.Metric, Current: current}}, label, nil
	default:
		return autoscaling.Result{}, autoscalingv2.MetricStatus{}, string(spec.Type) + " metric", unsupportedError{spec.Type}
	}
}

// external reads an External metric from Prometheus: the sum, over every
// cluster, of the series named metric.name that match metric.selector.
func (r *Reconciler) external(ctx context.Context, metric autoscalingv2.MetricIdentifier, now time.Time) (int64, error) {
	query, err := ExternalQuery(metric)
	if err != nil {
		return 0, err
	}
	samples, err := r.Metrics.Query(ctx, query, now)
	if err != nil {
		return 0, err
	}
	if len(samples) == 0 {
		return 0, fmt.Errorf("%s returned no series from %s", query, r.Metrics)
	}
	return int64(math.Round(samples[0].Value * 1000)), nil
}

var metricName = regexp.MustCompile(`^[a-zA-Z_:][a-zA-Z0-9_:]*$`)
var labelName = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)

// ExternalQuery is the PromQL an External metric is read with:
// sum(name{matchers}), the selector's terms as label matchers.
func ExternalQuery(metric autoscalingv2.MetricIdentifier) (string, error) {
	if !metricName.MatchString(metric.Name) {
		return "", fmt.Errorf("external metric name %q is not a Prometheus metric name", metric.Name)
	}
	var matchers []string
	if s := metric.Selector; s != nil {
		keys := make([]string, 0, len(s.MatchLabels))
		for k := range s.MatchLabels {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			matchers = append(matchers, fmt.Sprintf("%s=%q", k, s.MatchLabels[k]))
		}
		for _, e := range s.MatchExpressions {
			quoted := make([]string, len(e.Values))
			for i, v := range e.Values {
				quoted[i] = regexp.QuoteMeta(v)
			}
			alternatives := fmt.Sprintf("%q", strings.Join(quoted, "|"))
			switch e.Operator {
			case metav1.LabelSelectorOpIn:
				matchers = append(matchers, e.Key+"=~"+alternatives)
			case metav1.LabelSelectorOpNotIn:
				matchers = append(matchers, e.Key+"!~"+alternatives)
			case metav1.LabelSelectorOpExists:
				matchers = append(matchers, e.Key+`!=""`)
			case metav1.LabelSelectorOpDoesNotExist:
				matchers = append(matchers, e.Key+`=""`)
			default:
				return "", fmt.Errorf("external metric %s: selector operator %q is not supported", metric.Name, e.Operator)
			}
		}
		for _, m := range matchers {
			if k := m[:strings.IndexAny(m, "=!")]; !labelName.MatchString(k) {
				return "", fmt.Errorf("external metric %s: %q is not a Prometheus label name", metric.Name, k)
			}
		}
	}
	return "sum(" + metric.Name + "{" + strings.Join(matchers, ",") + "})", nil
}

func isNoMatch(err error) bool { return meta.IsNoMatchError(err) }

func corev1ConditionStatus(s string) corev1.ConditionStatus { return corev1.ConditionStatus(s) }
