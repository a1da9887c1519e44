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

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// OpenKruise's CloneSet (apps.kruise.io) is an enhanced Deployment, and
// Kurator treats it as one: spec.replicas divided across clusters, a
// replica asking for what its pod template requests, the pod template's
// dependencies, healthy once its controller has observed the current spec
// and every replica is updated and available, and the members' counters
// combined as a Deployment's (see replicatedStatus), moves included.
func init() {
	cloneSet := podWorkload[kruiseCloneSet](func(c *kruiseCloneSet) (*int32, *corev1.PodSpec) {
		return c.Spec.Replicas, &c.Spec.Template.Spec
	})
	registerBuiltin(schema.GroupKind{Group: "apps.kruise.io", Kind: "CloneSet"}, Operations{
		GetReplicas:     cloneSet.replicas,
		ReviseReplica:   reviseSpecReplicas,
		GetDependencies: cloneSet.dependencies,
		InterpretHealth: deploymentHealth,
		AggregateStatus: aggregateCloneSet,
	})
}

// kruiseCloneSet is what the interpreter reads of a CloneSet's spec.
type kruiseCloneSet struct {
	Spec struct {
		Replicas *int32                 `json:"replicas,omitempty"`
		Template corev1.PodTemplateSpec `json:"template,omitempty"`
	} `json:"spec"`
}

// aggregateCloneSet combines the counters as a Deployment's, writes one
// revision for the fleet as a StatefulSet's (see fleetRevisions), and
// carries the members' labelSelector, the same in every member since it
// comes from the template's selector, for the scale subresource an
// autoscaler reads.
func aggregateCloneSet(tpl *unstructured.Unstructured, members []MemberStatus, _ time.Time) (map[string]any, error) {
	status, reports, allCurrent := replicatedStatus(tpl, members, counters{
		progress: []string{"readyReplicas", "availableReplicas", "updatedReplicas", "updatedReadyReplicas"},
		// expectedUpdatedReplicas is a goal (the replicas below the
		// partition), combined as the replicas are.
		excess: []string{"replicas", "expectedUpdatedReplicas"},
	})
	if status == nil {
		return nil, nil
	}
	fleetRevisions(tpl, members, status, reports, allCurrent)
	for _, r := range reports {
		if selector, _ := r.status["labelSelector"].(string); selector != "" {
			status["labelSelector"] = selector
			break
		}
	}
	return status, nil
}
