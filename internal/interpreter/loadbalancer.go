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
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
)

// A Service and an Ingress are propagated whole: every member that runs
// the workload behind them runs a copy, with its own load balancer.
func init() {
	registerBuiltin(schema.GroupKind{Kind: "Service"}, Operations{
		InterpretHealth: serviceHealth,
		AggregateStatus: aggregateService,
	})
	registerBuiltin(schema.GroupKind{Group: "networking.k8s.io", Kind: "Ingress"}, Operations{
		InterpretHealth: ingressHealth,
		AggregateStatus: aggregateIngress,
	})
}

// serviceHealth, as Karmada's: a LoadBalancer Service is healthy once its
// load balancer has an address; any other Service once applied.
func serviceHealth(obj *unstructured.Unstructured) workv1alpha1.ResourceHealth {
	if typ, _, _ := unstructured.NestedString(obj.Object, "spec", "type"); typ != "LoadBalancer" {
		return workv1alpha1.ResourceHealthy
	}
	return ingressHealth(obj)
}

// ingressHealth, as Karmada's: healthy once the load balancer has an
// address.
func ingressHealth(obj *unstructured.Unstructured) workv1alpha1.ResourceHealth {
	status, _, _ := unstructured.NestedMap(obj.Object, "status")
	if ingress, waiting := loadBalancerIngress([]memberReport{{status: status}}); len(waiting) == 0 && len(ingress) > 0 {
		return workv1alpha1.ResourceHealthy
	}
	return workv1alpha1.ResourceUnhealthy
}

// aggregateService writes the fleet's load-balancer addresses (see
// loadBalancerIngress) and the members' conditions merged:
// LoadBalancerPortsError as soon as one member reports it, any other type
// only when every member does.
func aggregateService(tpl *unstructured.Unstructured, members []MemberStatus, now time.Time) (map[string]any, error) {
	status := aggregateIngressStatus(tpl, members)
	if status != nil {
		writeConditions(status, mergeConditions(memberReports(members), nil, oneOf("LoadBalancerPortsError")), now, false)
	}
	return status, nil
}

func aggregateIngress(tpl *unstructured.Unstructured, members []MemberStatus, _ time.Time) (map[string]any, error) {
	return aggregateIngressStatus(tpl, members), nil
}

// aggregateIngressStatus is the template's status with the fleet's
// status.loadBalancer, nil for a template placed nowhere.
func aggregateIngressStatus(tpl *unstructured.Unstructured, members []MemberStatus) map[string]any {
	if len(members) == 0 {
		return nil
	}
	status := ownStatus(tpl)
	lb := map[string]any{}
	if ingress, _ := loadBalancerIngress(memberReports(members)); ingress != nil {
		lb["ingress"] = ingress
	}
	status["loadBalancer"] = lb
	return status
}
