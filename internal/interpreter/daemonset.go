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

package interpreter

import (
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
)

// A DaemonSet runs on every node of each cluster it is propagated to: it
// has no replicas to divide. Its counters add up over the members, so the
// template reads as a DaemonSet over all their nodes, rolled out when
// every member has rolled out.
func init() {
	daemonSet := podWorkload[appsv1.DaemonSet](func(d *appsv1.DaemonSet) (*int32, *corev1.PodSpec) {
		return nil, &d.Spec.Template.Spec
	})
	registerBuiltin(schema.GroupKind{Group: "apps", Kind: "DaemonSet"}, Operations{
		GetDependencies: daemonSet.dependencies,
		InterpretHealth: daemonSetHealth,
		AggregateStatus: sumStatus("desiredNumberScheduled", "currentNumberScheduled", "updatedNumberScheduled", "numberReady",
			"numberAvailable", "numberUnavailable", "numberMisscheduled"),
	})
}

// daemonSetHealth: the controller saw the current spec, and every node
// that should run the Pod runs the updated one, available.
func daemonSetHealth(obj *unstructured.Unstructured) workv1alpha1.ResourceHealth {
	want := statusInt(obj, "desiredNumberScheduled")
	if observedCurrent(obj) && statusInt(obj, "updatedNumberScheduled") == want && statusInt(obj, "numberAvailable") == want {
		return workv1alpha1.ResourceHealthy
	}
	return workv1alpha1.ResourceUnhealthy
}
