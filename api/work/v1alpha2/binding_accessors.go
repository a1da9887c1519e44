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
package v1alpha2

import (
	"encoding/json"
	"hash/fnv"
	"slices"
	"strconv"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation"

	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
)

// +kubebuilder:object:generate=false

// Binding is what ResourceBinding and ClusterResourceBinding have in
// common, so one controller serves both.
type Binding interface {
	metav1.Object
	runtime.Object
	BindingSpec() *ResourceBindingSpec
	BindingStatus() *ResourceBindingStatus
}

// BindingSpec returns the spec.
func (b *ResourceBinding) BindingSpec() *ResourceBindingSpec { return &b.Spec }

// BindingStatus returns the status.
func (b *ResourceBinding) BindingStatus() *ResourceBindingStatus { return &b.Status }

// BindingSpec returns the spec.
func (b *ClusterResourceBinding) BindingSpec() *ResourceBindingSpec { return &b.Spec }

// BindingStatus returns the status.
func (b *ClusterResourceBinding) BindingStatus() *ResourceBindingStatus { return &b.Status }

// GVK returns the kind of a binding from its Go type (objects read from a
// cache carry no TypeMeta).
func GVK(b Binding) schema.GroupVersionKind {
	if _, ok := b.(*ClusterResourceBinding); ok {
		return SchemeGroupVersion.WithKind("ClusterResourceBinding")
	}
	return SchemeGroupVersion.WithKind("ResourceBinding")
}

// BindingFinalizer keeps a binding until the binding controller has removed
// its Works. The detector sets it when it creates the binding, which saves
// the binding controller a write on the way to the members.
const BindingFinalizer = "kurator.dev/binding"

// RevisionOfLabel marks a ReplicaSet the control plane keeps as one
// revision of the propagated Deployment it names: a read-only projection
// that is never propagated (internal/controller/revisions).
const RevisionOfLabel = "kurator.dev/revision-of"

// RevisionOfLabelValue is the RevisionOfLabel value for a Deployment: its
// name, cut to what a label value may hold.
func RevisionOfLabelValue(deployment string) string {
	if len(deployment) > validation.LabelValueMaxLength {
		deployment = strings.TrimRight(deployment[:validation.LabelValueMaxLength], "-_.")
	}
	return deployment
}

// TemplateVersionAnnotation on a binding is the version of its template the
// detector last synchronised: see TemplateVersion. A change of the template
// reaches the binding controller through it.
const TemplateVersionAnnotation = "kurator.dev/template-generation"

// TemplateVersion is the value of TemplateVersionAnnotation for a template:
// its generation and a digest of its labels (a label change keeps the
// generation, yet the members' copies carry the labels), or "rv-" and its
// resourceVersion for kinds that have no generation (ConfigMaps, Secrets),
// whose every change matters.
func TemplateVersion(template metav1.Object) string {
	if g := template.GetGeneration(); g != 0 {
		return strconv.FormatInt(g, 10) + labelsDigest(template.GetLabels())
	}
	return "rv-" + template.GetResourceVersion()
}

// labelsDigest is "-" and a digest of the labels, a policy's claim left
// out (the detector claims and binds at once: the claim must not change
// the version), or "" when no other label is set.
func labelsDigest(labels map[string]string) string {
	keys := make([]string, 0, len(labels))
	for k := range labels {
		if k != policyv1alpha1.PropagationPolicyPermanentIDLabel && k != policyv1alpha1.ClusterPropagationPolicyPermanentIDLabel {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return ""
	}
	slices.Sort(keys)
	h := fnv.New64a()
	for _, k := range keys {
		_, _ = h.Write([]byte(k + "=" + labels[k] + "\n"))
	}
	return "-" + strconv.FormatUint(h.Sum64(), 36)
}

// FailbackFromAnnotation on a binding, during a failback or a rebalance,
// holds (as JSON, cluster name to replicas) the replicas the clusters giving
// replicas back ran before it. The binding controller keeps sending them
// that many until the new placement is healthy everywhere; then the
// scheduler removes the annotation.
const FailbackFromAnnotation = "kurator.dev/failback-from"

// FailbackFrom reads FailbackFromAnnotation: the clusters giving replicas
// back and what they ran, nil when no move is under way (or the annotation
// does not parse).
func FailbackFrom(b metav1.Object) map[string]int32 {
	raw, ok := b.GetAnnotations()[FailbackFromAnnotation]
	if !ok {
		return nil
	}
	var from map[string]int32
	if err := json.Unmarshal([]byte(raw), &from); err != nil {
		return nil
	}
	return from
}

// HandoverReasonAnnotation says why a binding carries FailbackFromAnnotation
// when it is not a failback: HandoverRebalance.
const HandoverReasonAnnotation = "kurator.dev/handover-reason"

// HandoverRebalance: a reschedule trigger (kurator rebalance,
// spec.rescheduleTriggeredAt) moved replicas.
const HandoverRebalance = "Rebalance"

// WorkName is the name of a binding's Work in every execution namespace;
// the hash keeps bindings of equal names in different namespaces apart.
func WorkName(b metav1.Object) string {
	h := fnv.New32a()
	_, _ = h.Write([]byte(b.GetNamespace() + "/" + b.GetName()))
	name := b.GetName()
	if len(name) > 240 {
		name = name[:240]
	}
	return name + "-" + strconv.FormatUint(uint64(h.Sum32()), 36)
}

// UnhealthySinceAnnotation on a ResourceBinding with application failover
// holds, as JSON (cluster name to an RFC 3339 time), since when the workload
// has been unhealthy on each target cluster where it is. The application
// failover controller is its only writer; the scheduler evicts a cluster
// once its time is older than the policy's tolerationSeconds. Kept on the
// object, the timers survive a restart of the controllers.
const UnhealthySinceAnnotation = "failover.kurator.dev/unhealthy-since"

// UnschedulableReplicasAnnotation on a ResourceBinding holds, as JSON
// (UnschedulableReplicas), the replicas the descheduler found unschedulable
// in target clusters for the decision of one generation. The descheduler is
// its only writer; the scheduler takes them off those clusters and places
// them elsewhere, once, while the binding still has that generation.
const UnschedulableReplicasAnnotation = "descheduler.kurator.dev/unschedulable-replicas"

// UnschedulableReplicas is the value of UnschedulableReplicasAnnotation.
// +kubebuilder:object:generate=false
type UnschedulableReplicas struct {
	// Generation is the binding's generation (its decision) the count was
	// made for.
	Generation int64 `json:"generation"`
	// Replicas maps a target cluster to its unschedulable replicas.
	Replicas map[string]int32 `json:"replicas"`
}
