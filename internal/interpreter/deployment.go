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
	"fmt"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
)

func init() {
	deployment := podWorkload[appsv1.Deployment](func(d *appsv1.Deployment) (*int32, *corev1.PodSpec) {
		return d.Spec.Replicas, &d.Spec.Template.Spec
	})
	registerBuiltin(schema.GroupKind{Group: "apps", Kind: "Deployment"}, Operations{
		GetReplicas:     deployment.replicas,
		ReviseReplica:   reviseSpecReplicas,
		GetDependencies: deployment.dependencies,
		InterpretHealth: deploymentHealth,
		AggregateStatus: aggregateDeployment,
	})
}

// deploymentHealth: the controller saw the current spec, and every desired
// replica is updated and available with no old replica left.
func deploymentHealth(obj *unstructured.Unstructured) workv1alpha1.ResourceHealth {
	if !observedCurrent(obj) {
		return workv1alpha1.ResourceUnhealthy
	}
	want := desiredReplicas(obj)
	if statusInt(obj, "replicas") == want && statusInt(obj, "updatedReplicas") == want && statusInt(obj, "availableReplicas") == want {
		return workv1alpha1.ResourceHealthy
	}
	return workv1alpha1.ResourceUnhealthy
}

// aggregateDeployment adds to the counters (see replicatedStatus) the
// conditions a single cluster's Deployment controller writes, merged:
// Available only when every member is available; Progressing with reason
// NewReplicaSetAvailable only when every member has finished, and False
// with ProgressDeadlineExceeded, naming the member, as soon as one has
// given up, with a Stalled condition saying the same. kstatus, Helm's wait and 'kubectl wait --for=condition=Available'
// read these.
func aggregateDeployment(tpl *unstructured.Unstructured, members []MemberStatus, now time.Time) (map[string]any, error) {
	status, reports, _ := replicatedStatus(tpl, members, counters{
		progress: []string{"readyReplicas", "availableReplicas", "updatedReplicas"},
		excess:   []string{"replicas", "unavailableReplicas", "terminatingReplicas"},
	})
	if status == nil {
		return nil, nil
	}
	setConditions(status, deploymentConditions(reports, coveredMove(tpl, members, status)), now)
	if stalledEverywhereElseDone(reports) {
		// As a single cluster's controller does, the fleet has observed the
		// spec even though a member gave up rolling it out: readers then
		// see the deadline instead of waiting for observation.
		status["observedGeneration"] = tpl.GetGeneration()
	}
	return status, nil
}

// stalledEverywhereElseDone: every member runs the current template and is
// healthy, or has passed its progress deadline on it.
func stalledEverywhereElseDone(reports []memberReport) bool {
	for _, r := range reports {
		if r.leaving {
			continue
		}
		if !r.current || r.status == nil {
			return false
		}
		if _, reason, _, _ := memberCondition(r.status, "Progressing"); r.health != workv1alpha1.ResourceHealthy && reason != "ProgressDeadlineExceeded" {
			return false
		}
	}
	return true
}

// During a move that the fleet covers (coveredMove), members still catching
// up neither make the fleet unavailable nor keep it progressing: the move is
// a placement change, not a rollout. A member that gave up still counts.
func deploymentConditions(reports []memberReport, covered bool) []condition {
	var unavailable, rolling, stalled []string
	for _, r := range reports {
		if covered {
			if _, reason, _, _ := memberCondition(r.status, "Progressing"); reason != "ProgressDeadlineExceeded" {
				continue
			}
		}
		if r.status == nil {
			unavailable = append(unavailable, r.cluster+" (no report yet)")
			rolling = append(rolling, r.cluster)
			continue
		}
		if st, _, _, _ := memberCondition(r.status, "Available"); st != "True" {
			unavailable = append(unavailable, r.cluster)
		}
		st, reason, message, _ := memberCondition(r.status, "Progressing")
		switch {
		case reason == "ProgressDeadlineExceeded":
			stalled = append(stalled, r.cluster+": "+message)
		case st != "True" || reason != "NewReplicaSetAvailable":
			rolling = append(rolling, r.cluster)
		}
	}
	available := condition{"Available", "True", "MinimumReplicasAvailable", fmt.Sprintf("Deployment has minimum availability in every member cluster (%d).", len(reports))}
	if len(unavailable) > 0 {
		available = condition{"Available", "False", "MinimumReplicasUnavailable", "Deployment does not have minimum availability in " + clusterList(unavailable) + "."}
	}
	progressing := condition{"Progressing", "True", "NewReplicaSetAvailable", fmt.Sprintf("Deployment has successfully progressed in every member cluster (%d).", len(reports))}
	switch {
	case len(stalled) > 0:
		progressing = condition{"Progressing", "False", "ProgressDeadlineExceeded", "Progress deadline exceeded in " + clusterList(stalled)}
		// kstatus reads a Stalled condition before a Deployment's own and
		// reports its message, so Helm 4 and Flux name the member that gave
		// up instead of a bare "Progress deadline exceeded".
		return []condition{available, progressing, {"Stalled", "True", "ProgressDeadlineExceeded", progressing.message}}
	case len(rolling) > 0:
		progressing = condition{"Progressing", "True", "ReplicaSetUpdated", "Deployment is progressing in " + clusterList(rolling) + "."}
	}
	return []condition{available, progressing}
}
