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
// Package render turns a resource template into the manifest one member
// cluster receives: control-plane metadata removed, the cluster's share of
// replicas written in, and the OverridePolicies for that cluster applied.
// It is pure, so the binding controller and 'kurator schedule' render alike.
package render

import (
	"encoding/json"
	"fmt"
	"strconv"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/interpreter"
	"kurator.dev/kurator/internal/overrides"
)

// controlPlaneOnly are labels and annotations that describe the template in
// the control plane, not the object in a member.
var controlPlaneOnly = []string{
	policyv1alpha1.PropagationPolicyPermanentIDLabel,
	policyv1alpha1.PropagationPolicyNamespaceAnnotation,
	policyv1alpha1.PropagationPolicyNameAnnotation,
	policyv1alpha1.ClusterPropagationPolicyPermanentIDLabel,
	policyv1alpha1.ClusterPropagationPolicyNameAnnotation,
	"kubectl.kubernetes.io/last-applied-configuration",
	"deployment.kubernetes.io/revision",
	// A template copied from a member may carry a stale record.
	AppliedOverridesAnnotation,
	workv1alpha1.RetainReplicasSetByAnnotation,
}

// Manifest returns the manifest for one target cluster and the override
// rules applied to it. As in Karmada, overrides run last, so a plaintext
// override of /spec/replicas wins over the division. cluster may be nil when
// the Cluster object is unknown; targetCluster is then matched against a
// Cluster with only its name. tpl is not modified.
func Manifest(tpl *unstructured.Unstructured, b workv1alpha2.Binding, target workv1alpha2.TargetCluster,
	cluster *karmadaclusterv1alpha1.Cluster, policies []overrides.Policy) (*unstructured.Unstructured, []overrides.Applied, error) {
	m, err := base(tpl, b, target)
	if err != nil {
		return nil, nil, err
	}
	if len(policies) == 0 {
		return m, nil, nil
	}
	if cluster == nil {
		cluster = &karmadaclusterv1alpha1.Cluster{}
		cluster.Name = target.Name
	}
	out, applied, err := overrides.Apply(m, cluster, policies)
	if err != nil {
		return nil, nil, err
	}
	if len(applied) > 0 {
		annotations := out.GetAnnotations()
		if annotations == nil {
			annotations = map[string]string{}
		}
		annotations[AppliedOverridesAnnotation] = EncodeApplied(applied)
		out.SetAnnotations(annotations)
	}
	return out, applied, nil
}

// AppliedOverridesAnnotation on a rendered manifest (and so on the Work and
// the member object) lists the override rules applied to it, in order, as
// JSON: [{"policy":"ns/name","rules":[0,2]}]; a ClusterOverridePolicy has no
// namespace and the deprecated top-level overriders are rule -1.
const AppliedOverridesAnnotation = "kurator.dev/applied-overrides"

// AppliedPolicy is one entry of AppliedOverridesAnnotation.
type AppliedPolicy struct {
	Policy string `json:"policy"`
	Rules  []int  `json:"rules"`
}

// EncodeApplied returns the AppliedOverridesAnnotation value for applied.
func EncodeApplied(applied []overrides.Applied) string {
	var out []AppliedPolicy
	for _, a := range applied {
		name := a.Policy
		if a.Namespace != "" {
			name = a.Namespace + "/" + a.Policy
		}
		if n := len(out); n > 0 && out[n-1].Policy == name {
			out[n-1].Rules = append(out[n-1].Rules, a.Rule)
			continue
		}
		out = append(out, AppliedPolicy{Policy: name, Rules: []int{a.Rule}})
	}
	raw, _ := json.Marshal(out)
	return string(raw)
}

// DecodeApplied parses an AppliedOverridesAnnotation value.
func DecodeApplied(value string) ([]AppliedPolicy, error) {
	var out []AppliedPolicy
	if err := json.Unmarshal([]byte(value), &out); err != nil {
		return nil, fmt.Errorf("annotation %s: %w", AppliedOverridesAnnotation, err)
	}
	return out, nil
}

// base returns the template without its control-plane metadata and status,
// with this cluster's share of replicas.
func base(tpl *unstructured.Unstructured, b workv1alpha2.Binding, target workv1alpha2.TargetCluster) (*unstructured.Unstructured, error) {
	m := tpl.DeepCopy()
	unstructured.RemoveNestedField(m.Object, "status")
	for _, f := range []string{"uid", "resourceVersion", "generation", "creationTimestamp", "managedFields", "ownerReferences", "selfLink", "deletionTimestamp", "deletionGracePeriodSeconds", "finalizers"} {
		unstructured.RemoveNestedField(m.Object, "metadata", f)
	}
	labels, annotations := m.GetLabels(), m.GetAnnotations()
	for _, k := range controlPlaneOnly {
		delete(labels, k)
		delete(annotations, k)
	}
	if annotations == nil {
		annotations = map[string]string{}
	}
	annotations[workv1alpha1.ResourceTemplateUIDAnnotation] = string(tpl.GetUID())
	annotations[workv1alpha1.ResourceTemplateGenerationAnnotation] = strconv.FormatInt(tpl.GetGeneration(), 10)
	if _, set := annotations[workv1alpha1.ConflictResolutionAnnotation]; !set {
		annotations[workv1alpha1.ConflictResolutionAnnotation] = "abort"
		if b.BindingSpec().ConflictResolution == policyv1alpha1.ConflictOverwrite {
			annotations[workv1alpha1.ConflictResolutionAnnotation] = "overwrite"
		}
	}
	m.SetLabels(labels)
	m.SetAnnotations(annotations)
	pruneGenerated(m)
	if err := reviseReplicas(m, b, target); err != nil {
		return nil, err
	}
	return m, nil
}

// jobGeneratedLabels are set by the API server on a Job (and its pod
// template) it generates a selector for; each member generates its own.
var jobGeneratedLabels = []string{"controller-uid", "batch.kubernetes.io/controller-uid", "job-name", "batch.kubernetes.io/job-name"}

// pruneGenerated removes what the control plane's API server generated for
// the template and a member must generate itself: a Job's selector and
// controller-uid labels (unless the user manages the selector).
func pruneGenerated(m *unstructured.Unstructured) {
	if m.GetKind() != "Job" {
		return
	}
	if manual, _, _ := unstructured.NestedBool(m.Object, "spec", "manualSelector"); manual {
		return
	}
	unstructured.RemoveNestedField(m.Object, "spec", "selector")
	for _, path := range [][]string{{"metadata", "labels"}, {"spec", "template", "metadata", "labels"}} {
		lbls, found, _ := unstructured.NestedStringMap(m.Object, path...)
		if !found {
			continue
		}
		for _, k := range jobGeneratedLabels {
			delete(lbls, k)
		}
		if len(lbls) == 0 {
			unstructured.RemoveNestedField(m.Object, path...)
		} else {
			_ = unstructured.SetNestedStringMap(m.Object, lbls, path...)
		}
	}
}

// reviseReplicas writes this cluster's share into a divided workload; the
// interpreter knows which fields of the kind hold it.
func reviseReplicas(m *unstructured.Unstructured, b workv1alpha2.Binding, target workv1alpha2.TargetCluster) error {
	spec := b.BindingSpec()
	if spec.Replicas == 0 || spec.Placement == nil || spec.Placement.ReplicaSchedulingType() != policyv1alpha1.ReplicaSchedulingTypeDivided {
		return nil
	}
	return interpreter.For(m.GroupVersionKind()).ReviseReplica(m, interpreter.Share{
		Cluster: target.Name, Replicas: int64(target.Replicas), Clusters: spec.Clusters, Seed: string(spec.Resource.UID),
	})
}
