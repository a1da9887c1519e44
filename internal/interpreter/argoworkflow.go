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
	"strconv"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"

	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
)

// An Argo Workflow (argoproj.io) is propagated whole: its steps depend on
// one another, so every member runs the complete workflow. Its spec.suspend
// belongs to whoever suspends and resumes it in the member (the argo CLI),
// so applies keep the member's value (Retain). Members reflect the summary
// of their status, not its nodes, which grow with every step a workflow
// runs.
func init() {
	registerBuiltin(schema.GroupKind{Group: "argoproj.io", Kind: "Workflow"}, Operations{
		GetDependencies: workflowDependencies,
		InterpretHealth: workflowHealth,
		ReflectStatus:   reflectWorkflowStatus,
		AggregateStatus: aggregateWorkflow,
		Retain:          retainWorkflowSuspend,
	})
}

// argoWorkflow is what the interpreter reads of a Workflow's spec. Its
// containers are read for their env and envFrom only: the other fields may
// hold Argo expressions ("{{inputs.parameters.cpu}}") that are not valid
// Kubernetes values before Argo substitutes them.
type argoWorkflow struct {
	Spec struct {
		ServiceAccountName string                        `json:"serviceAccountName,omitempty"`
		Executor           *argoExecutor                 `json:"executor,omitempty"`
		ImagePullSecrets   []corev1.LocalObjectReference `json:"imagePullSecrets,omitempty"`
		Volumes            []corev1.Volume               `json:"volumes,omitempty"`
		Arguments          argoParameters                `json:"arguments,omitempty"`
		Templates          []argoTemplate                `json:"templates,omitempty"`
		TemplateDefaults   *argoTemplate                 `json:"templateDefaults,omitempty"`
	} `json:"spec"`
}

type argoExecutor struct {
	ServiceAccountName string `json:"serviceAccountName,omitempty"`
}

type argoTemplate struct {
	ServiceAccountName string          `json:"serviceAccountName,omitempty"`
	Executor           *argoExecutor   `json:"executor,omitempty"`
	Volumes            []corev1.Volume `json:"volumes,omitempty"`
	Inputs             argoParameters  `json:"inputs,omitempty"`
	Container          *argoContainer  `json:"container,omitempty"`
	Script             *argoContainer  `json:"script,omitempty"`
	InitContainers     []argoContainer `json:"initContainers,omitempty"`
	Sidecars           []argoContainer `json:"sidecars,omitempty"`
	ContainerSet       *struct {
		Containers []argoContainer `json:"containers,omitempty"`
	} `json:"containerSet,omitempty"`
}

type argoContainer struct {
	Env     []corev1.EnvVar        `json:"env,omitempty"`
	EnvFrom []corev1.EnvFromSource `json:"envFrom,omitempty"`
}

// argoParameters are a workflow's arguments or a template's inputs, whose
// values may come from a ConfigMap.
type argoParameters struct {
	Parameters []struct {
		ValueFrom *struct {
			ConfigMapKeyRef *corev1.ConfigMapKeySelector `json:"configMapKeyRef,omitempty"`
		} `json:"valueFrom,omitempty"`
	} `json:"parameters,omitempty"`
}

// workflowDependencies: the service accounts of the workflow, its
// templates and their executors (but "default"), its image pull Secrets,
// the ConfigMaps, Secrets and claims of its and its templates' volumes,
// those its templates' containers take env and envFrom from, and the
// ConfigMaps its parameters are read from. Names that are Argo expressions
// are resolved only at run time, and left out. Claims of
// volumeClaimTemplates are not dependencies: Argo creates them.
func workflowDependencies(obj *unstructured.Unstructured) ([]Dependency, error) {
	wf, err := decode[argoWorkflow](obj)
	if err != nil {
		return nil, err
	}
	spec := &wf.Spec
	return collectDependencies(obj.GetNamespace(), func(add func(kind, name string)) {
		known := func(kind, name string) {
			if !strings.Contains(name, "{{") {
				add(kind, name)
			}
		}
		visitPodSpec(&corev1.PodSpec{ServiceAccountName: spec.ServiceAccountName, ImagePullSecrets: spec.ImagePullSecrets, Volumes: spec.Volumes}, known)
		visitArgoExtras(spec.Executor, spec.Arguments, known)
		templates := spec.Templates
		if spec.TemplateDefaults != nil {
			templates = append(templates, *spec.TemplateDefaults)
		}
		for _, t := range templates {
			visitPodSpec(&corev1.PodSpec{ServiceAccountName: t.ServiceAccountName, Volumes: t.Volumes, Containers: t.containers()}, known)
			visitArgoExtras(t.Executor, t.Inputs, known)
		}
	}), nil
}

// visitArgoExtras names an executor's service account and the ConfigMaps
// parameters are read from.
func visitArgoExtras(executor *argoExecutor, params argoParameters, add func(kind, name string)) {
	if executor != nil && executor.ServiceAccountName != "default" {
		add("ServiceAccount", executor.ServiceAccountName)
	}
	for _, p := range params.Parameters {
		if p.ValueFrom != nil && p.ValueFrom.ConfigMapKeyRef != nil {
			add("ConfigMap", p.ValueFrom.ConfigMapKeyRef.Name)
		}
	}
}

// containers are the template's containers as a pod spec holds them.
func (t *argoTemplate) containers() []corev1.Container {
	var all []argoContainer
	for _, c := range []*argoContainer{t.Container, t.Script} {
		if c != nil {
			all = append(all, *c)
		}
	}
	all = append(all, t.InitContainers...)
	all = append(all, t.Sidecars...)
	if t.ContainerSet != nil {
		all = append(all, t.ContainerSet.Containers...)
	}
	out := make([]corev1.Container, len(all))
	for i, c := range all {
		out[i] = corev1.Container{Env: c.Env, EnvFrom: c.EnvFrom}
	}
	return out
}

// workflowHealth: pending, running and succeeded workflows are healthy,
// failed and errored ones are not; without a phase nothing is known yet.
func workflowHealth(obj *unstructured.Unstructured) workv1alpha1.ResourceHealth {
	phase, _, _ := unstructured.NestedString(obj.Object, "status", "phase")
	switch phase {
	case "Pending", "Running", "Succeeded":
		return workv1alpha1.ResourceHealthy
	case "Failed", "Error":
		return workv1alpha1.ResourceUnhealthy
	}
	return workv1alpha1.ResourceUnknown
}

// workflowSummary are the status fields a member reflects: what the
// aggregation and 'argo list' read. status.nodes, one entry per step, can
// reach megabytes (Argo offloads it for that reason) and is left out.
var workflowSummary = []string{"phase", "startedAt", "finishedAt", "progress", "message", "conditions", "estimatedDuration"}

func reflectWorkflowStatus(obj *unstructured.Unstructured) (*runtime.RawExtension, error) {
	status, _, err := unstructured.NestedMap(obj.Object, "status")
	if err != nil {
		return nil, fmt.Errorf("workflow %s: status: %w", obj.GetName(), err)
	}
	var summary map[string]any
	for _, f := range workflowSummary {
		if v, ok := status[f]; ok {
			if summary == nil {
				summary = map[string]any{}
			}
			summary[f] = v
		}
	}
	return reflectWithGeneration(obj, summary)
}

// aggregateWorkflow reads the copies as one workflow: the phase by
// precedence (Failed, then Error, as soon as one copy has it; then Running;
// then Pending, a copy without a report or a phase counting as pending;
// Succeeded only once every copy has), the earliest start, the latest
// finish once every copy has finished, the progress summed ("3/5" and
// "2/5" make "5/10"), and a message naming the clusters that have not
// succeeded.
func aggregateWorkflow(tpl *unstructured.Unstructured, members []MemberStatus, _ time.Time) (map[string]any, error) {
	if len(members) == 0 {
		return nil, nil
	}
	reports := memberReports(members)
	status := ownStatus(tpl)
	phases := map[string]bool{}
	var behind []string
	var done, steps int64
	progressKnown := false
	for _, r := range reports {
		phase, _ := r.status["phase"].(string)
		switch {
		case r.status == nil:
			phase = "Pending"
			behind = append(behind, r.cluster+" (no report yet)")
		case phase == "":
			phase = "Pending"
			behind = append(behind, r.cluster+" (Pending)")
		case phase != "Succeeded":
			message, _ := r.status["message"].(string)
			behind = append(behind, r.cluster+" ("+strings.TrimSuffix(phase+": "+message, ": ")+")")
		}
		phases[phase] = true
		if d, n, ok := parseProgress(r.status["progress"]); ok {
			done, steps, progressKnown = done+d, steps+n, true
		}
	}
	status["phase"] = "Succeeded"
	for _, p := range []string{"Failed", "Error", "Running", "Pending"} {
		if phases[p] {
			status["phase"] = p
			break
		}
	}
	if len(behind) > 0 {
		status["message"] = "Not succeeded in " + clusterList(behind) + "."
	} else {
		delete(status, "message")
	}
	start, finish := runSpan(reports, "startedAt", "finishedAt")
	setOrDelete(status, "startedAt", start)
	setOrDelete(status, "finishedAt", finish)
	if progressKnown {
		status["progress"] = fmt.Sprintf("%d/%d", done, steps)
	} else {
		delete(status, "progress")
	}
	return status, nil
}

// parseProgress reads Argo's "done/total".
func parseProgress(v any) (done, total int64, ok bool) {
	s, _ := v.(string)
	d, t, found := strings.Cut(s, "/")
	if !found {
		return 0, 0, false
	}
	done, err := strconv.ParseInt(d, 10, 64)
	if err != nil {
		return 0, 0, false
	}
	total, err = strconv.ParseInt(t, 10, 64)
	if err != nil {
		return 0, 0, false
	}
	return done, total, true
}

// retainWorkflowSuspend applies the member's spec.suspend, set or not,
// over the template's: 'argo suspend' sets it in the member and 'argo
// resume' clears it, so a template's suspend: true applied again would
// suspend a workflow the moment it was resumed. The template's value
// counts when the workflow is created.
func retainWorkflowSuspend(desired, observed *unstructured.Unstructured) (*unstructured.Unstructured, error) {
	suspend, found, err := unstructured.NestedFieldCopy(observed.Object, "spec", "suspend")
	if err != nil {
		return nil, fmt.Errorf("workflow %s: the member's spec.suspend: %w", observed.GetName(), err)
	}
	if !found {
		unstructured.RemoveNestedField(desired.Object, "spec", "suspend")
		return desired, nil
	}
	if err := unstructured.SetNestedField(desired.Object, suspend, "spec", "suspend"); err != nil {
		return nil, fmt.Errorf("workflow %s: spec.suspend: %w", desired.GetName(), err)
	}
	return desired, nil
}
