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
	"maps"
	"slices"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
)

// A Kubeflow PyTorchJob (kubeflow.org) trains one model with all its
// replicas, Master and Workers exchanging gradients, so it is never split:
// GetReplicas asks the scheduler to give a cluster all of its replicas or
// none (MinPerCluster), so a Divided policy places it whole in one
// cluster and a Duplicated one runs a whole copy in each. ReviseReplica
// refuses any other share. A replica asks for what the most demanding
// replica type's pod requests.
func init() {
	registerBuiltin(schema.GroupKind{Group: "kubeflow.org", Kind: "PyTorchJob"}, Operations{
		GetReplicas:     pytorchJobReplicas,
		ReviseReplica:   revisePyTorchJob,
		GetDependencies: pytorchJobDependencies,
		InterpretHealth: pytorchJobHealth,
		AggregateStatus: aggregatePyTorchJob,
	})
}

// pytorchJob is what the interpreter reads of a PyTorchJob's spec.
type pytorchJob struct {
	Spec struct {
		ReplicaSpecs map[string]struct {
			Replicas *int32                 `json:"replicas,omitempty"`
			Template corev1.PodTemplateSpec `json:"template,omitempty"`
		} `json:"pytorchReplicaSpecs,omitempty"`
	} `json:"spec"`
}

// readPyTorchJob returns the replica types as pod groups, by type name. A
// type without replicas runs one, as the training operator defaults it.
func readPyTorchJob(obj *unstructured.Unstructured) ([]podGroup, error) {
	job, err := decode[pytorchJob](obj)
	if err != nil {
		return nil, err
	}
	var groups []podGroup
	for _, typ := range slices.Sorted(maps.Keys(job.Spec.ReplicaSpecs)) {
		spec := job.Spec.ReplicaSpecs[typ]
		n := int64(1)
		if spec.Replicas != nil {
			n = int64(*spec.Replicas)
		}
		if n < 0 {
			return nil, fmt.Errorf("PyTorchJob %s: %s has negative replicas", obj.GetName(), typ)
		}
		groups = append(groups, podGroup{name: typ, replicas: n, spec: &spec.Template.Spec})
	}
	return groups, nil
}

func pytorchJobReplicas(obj *unstructured.Unstructured) (*Replicated, error) {
	groups, err := readPyTorchJob(obj)
	if err != nil {
		return nil, err
	}
	total := groupsReplicas(groups)
	return &Replicated{Replicas: total, Requirements: mostDemanding(groups), MinPerCluster: total}, nil
}

// revisePyTorchJob accepts only the whole job.
func revisePyTorchJob(obj *unstructured.Unstructured, share Share) error {
	groups, err := readPyTorchJob(obj)
	if err != nil {
		return err
	}
	if total := groupsReplicas(groups); share.Replicas != total {
		return fmt.Errorf("PyTorchJob %s cannot be split: its %d replicas train together, and cluster %s was given %d", obj.GetName(), total, share.Cluster, share.Replicas)
	}
	return nil
}

func pytorchJobDependencies(obj *unstructured.Unstructured) ([]Dependency, error) {
	groups, err := readPyTorchJob(obj)
	if err != nil {
		return nil, err
	}
	return groupsDependencies(obj.GetNamespace(), groups), nil
}

// pytorchJobState is the state of a training job: the last of its
// conditions Created, Running, Restarting, Succeeded and Failed that is
// True (the training operator appends them as the job goes), "" for none.
func pytorchJobState(status map[string]any) string {
	conds, _ := status["conditions"].([]any)
	state := ""
	for _, c := range conds {
		m, _ := c.(map[string]any)
		typ, _ := m["type"].(string)
		if m["status"] == "True" && slices.Contains([]string{"Created", "Running", "Restarting", "Succeeded", "Failed"}, typ) {
			state = typ
		}
	}
	return state
}

// pytorchJobHealth: a failed job is unhealthy; one that has not reported
// a state yet is unknown; created, running, restarting or succeeded ones
// are healthy.
func pytorchJobHealth(obj *unstructured.Unstructured) workv1alpha1.ResourceHealth {
	status, _, _ := unstructured.NestedMap(obj.Object, "status")
	switch pytorchJobState(status) {
	case "":
		return workv1alpha1.ResourceUnknown
	case "Failed":
		return workv1alpha1.ResourceUnhealthy
	}
	return workv1alpha1.ResourceHealthy
}

// aggregatePyTorchJob sums the replica counts per type, takes the earliest
// start and, once every copy has completed, the latest completion, and
// writes one condition, naming the clusters: Failed as soon as a copy
// failed, Succeeded once every copy has, Running until then.
func aggregatePyTorchJob(tpl *unstructured.Unstructured, members []MemberStatus, now time.Time) (map[string]any, error) {
	if len(members) == 0 {
		return nil, nil
	}
	groups, err := readPyTorchJob(tpl)
	if err != nil {
		return nil, err
	}
	reports := memberReports(members)
	status := ownStatus(tpl)
	status["replicaStatuses"] = sumReplicaStatuses(groups, reports)
	start, completion := runSpan(reports, "startTime", "completionTime")
	setOrDelete(status, "startTime", start)
	setOrDelete(status, "completionTime", completion)
	setConditions(status, []condition{pytorchJobCondition(reports)}, now)
	return status, nil
}

// sumReplicaStatuses adds up the active, succeeded and failed pods of each
// replica type the template or a member names.
func sumReplicaStatuses(groups []podGroup, reports []memberReport) map[string]any {
	out := map[string]any{}
	add := func(typ string, counts map[string]any) {
		sums, _ := out[typ].(map[string]any)
		if sums == nil {
			sums = map[string]any{"active": int64(0), "succeeded": int64(0), "failed": int64(0)}
			out[typ] = sums
		}
		for f := range sums {
			sums[f] = intField(sums, f) + intField(counts, f)
		}
	}
	for _, g := range groups {
		add(g.name, nil)
	}
	for _, r := range reports {
		types, _ := r.status["replicaStatuses"].(map[string]any)
		for typ, v := range types {
			counts, _ := v.(map[string]any)
			add(typ, counts)
		}
	}
	return out
}

// pytorchJobCondition is the fleet's state as the training operator writes
// one, with a message naming the clusters that decide it.
func pytorchJobCondition(reports []memberReport) condition {
	var failed, unfinished []string
	for _, r := range reports {
		switch state := pytorchJobState(r.status); {
		case r.status == nil:
			unfinished = append(unfinished, r.cluster+" (no report yet)")
		case state == "Failed":
			_, _, message, _ := memberCondition(r.status, "Failed")
			failed = append(failed, r.cluster+": "+firstNonEmpty(strings.TrimSuffix(message, "."), "the job failed"))
		case state == "":
			unfinished = append(unfinished, r.cluster+" (not created yet)")
		case state != "Succeeded":
			unfinished = append(unfinished, r.cluster+" ("+state+")")
		}
	}
	switch {
	case len(failed) > 0:
		return condition{"Failed", "True", "PyTorchJobFailed", "Failed in " + clusterList(failed) + "."}
	case len(unfinished) > 0:
		return condition{"Running", "True", "PyTorchJobRunning", "Not finished in " + clusterList(unfinished) + "."}
	}
	return condition{"Succeeded", "True", "PyTorchJobSucceeded", fmt.Sprintf("Succeeded in every member cluster (%d).", len(reports))}
}
