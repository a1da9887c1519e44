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

// Package revisions keeps, on the control plane, each propagated
// Deployment's revisions as ReplicaSets that the Deployment owns: what a
// single cluster's Deployment controller leaves behind, and what kubectl
// rollout history/undo, Helm 3's --wait and Argo CD's resource tree read.
// No Pod runs on the control plane, so these ReplicaSets are a read-only
// projection (config/admission refuses other writers): one per distinct pod
// template the Deployment has had, numbered as the Deployment controller
// numbers revisions, with status derived from the Deployment's fleet status,
// which Kurator builds from the members' copies. They are never propagated;
// the members keep their own history.
package revisions

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"slices"
	"strconv"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/rand"
	"k8s.io/apimachinery/pkg/util/validation"

	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
)

const (
	revisionAnnotation        = "deployment.kubernetes.io/revision"
	revisionHistoryAnnotation = "deployment.kubernetes.io/revision-history"
	hashLabel                 = appsv1.DefaultDeploymentUniqueLabelKey
	defaultHistoryLimit       = 10
)

// notCopied are the Deployment annotations a single cluster's controller
// keeps off its ReplicaSets (kubectl rollout undo skips the same when it
// copies a revision's annotations back).
var notCopied = map[string]bool{
	corev1.LastAppliedConfigAnnotation:          true,
	revisionAnnotation:                          true,
	revisionHistoryAnnotation:                   true,
	"deployment.kubernetes.io/desired-replicas": true,
	"deployment.kubernetes.io/max-replicas":     true,
	"deprecated.deployment.rollback.to":         true,
}

// copiedAnnotations are the Deployment's annotations a revision records.
// Kurator's and Karmada's own bookkeeping stays off: an undo copies a
// revision's annotations back onto the Deployment.
func copiedAnnotations(d *appsv1.Deployment) map[string]string {
	out := map[string]string{}
	for k, v := range d.Annotations {
		if notCopied[k] || strings.Contains(k, "karmada.io/") || strings.Contains(k, "kurator.dev/") {
			continue
		}
		out[k] = v
	}
	return out
}

// Revision is the revision number a ReplicaSet records, 0 when none.
func Revision(rs *appsv1.ReplicaSet) int64 {
	n, err := strconv.ParseInt(rs.Annotations[revisionAnnotation], 10, 64)
	if err != nil {
		return 0
	}
	return n
}

// sameTemplate compares a revision's template with a Deployment's, as the
// Deployment controller and kubectl do: ignoring the pod-template-hash.
func sameTemplate(rs *appsv1.ReplicaSet, d *appsv1.Deployment) bool {
	t := rs.Spec.Template.DeepCopy()
	delete(t.Labels, hashLabel)
	if len(t.Labels) == 0 {
		t.Labels = nil
	}
	want := d.Spec.Template.DeepCopy()
	if len(want.Labels) == 0 {
		want.Labels = nil
	}
	return apiequality.Semantic.DeepEqual(t, want)
}

// templateHash names a revision. It need only be stable and distinct per
// template on this control plane: members compute their own.
func templateHash(t *corev1.PodTemplateSpec, collisions int) string {
	data, _ := json.Marshal(t)
	h := fnv.New32a()
	_, _ = h.Write(data)
	_, _ = fmt.Fprint(h, collisions)
	return rand.SafeEncodeString(fmt.Sprint(h.Sum32()))
}

// newRevision builds the ReplicaSet of the Deployment's current template;
// taken says which names are already used by other templates.
func newRevision(d *appsv1.Deployment, revision int64, taken func(string) bool) *appsv1.ReplicaSet {
	base := d.Name
	if len(base) > validation.DNS1123SubdomainMaxLength-11 {
		base = base[:validation.DNS1123SubdomainMaxLength-11]
	}
	var hash string
	for i := 0; ; i++ {
		hash = templateHash(&d.Spec.Template, i)
		if !taken(base + "-" + hash) {
			break
		}
	}
	template := d.Spec.Template.DeepCopy()
	if template.Labels == nil {
		template.Labels = map[string]string{}
	}
	template.Labels[hashLabel] = hash
	labels := map[string]string{}
	for k, v := range template.Labels {
		labels[k] = v
	}
	labels[workv1alpha2.RevisionOfLabel] = workv1alpha2.RevisionOfLabelValue(d.Name)
	selector := d.Spec.Selector.DeepCopy()
	if selector == nil {
		selector = &metav1.LabelSelector{}
	}
	if selector.MatchLabels == nil {
		selector.MatchLabels = map[string]string{}
	}
	selector.MatchLabels[hashLabel] = hash
	rs := &appsv1.ReplicaSet{
		ObjectMeta: metav1.ObjectMeta{
			Name: base + "-" + hash, Namespace: d.Namespace, Labels: labels,
			Annotations:     map[string]string{revisionAnnotation: strconv.FormatInt(revision, 10)},
			OwnerReferences: []metav1.OwnerReference{*metav1.NewControllerRef(d, appsv1.SchemeGroupVersion.WithKind("Deployment"))},
		},
		Spec: appsv1.ReplicaSetSpec{Selector: selector, Template: *template},
	}
	return rs
}

// plan is what the control plane should hold for one Deployment: every
// revision to keep, in their wanted spec and metadata, and those to remove.
type plan struct {
	keep    []*appsv1.ReplicaSet
	current *appsv1.ReplicaSet
	remove  []*appsv1.ReplicaSet
}

// project decides the revisions of a Deployment from those it has: the
// current template's (new, or an older one brought back and renumbered as
// the Deployment controller does on a rollback), the others scaled to zero,
// and the oldest beyond revisionHistoryLimit removed once nothing runs them.
func project(d *appsv1.Deployment, owned []appsv1.ReplicaSet) plan {
	var p plan
	var maxRevision int64
	names := map[string]bool{}
	for i := range owned {
		maxRevision = max(maxRevision, Revision(&owned[i]))
		names[owned[i].Name] = true
	}
	for i := range owned {
		rs := owned[i].DeepCopy()
		if p.current == nil && sameTemplate(rs, d) {
			p.current = rs
			continue
		}
		rs.Spec.Replicas = ptrTo(int32(0))
		p.keep = append(p.keep, rs)
	}
	if p.current == nil {
		p.current = newRevision(d, maxRevision+1, func(n string) bool { return names[n] })
	}
	revision, history := p.current.Annotations[revisionAnnotation], p.current.Annotations[revisionHistoryAnnotation]
	if Revision(p.current) < maxRevision {
		// An older template came back (kubectl rollout undo): it becomes
		// the newest revision and remembers the number it had.
		history = strings.Trim(history+","+revision, ",")
		revision = strconv.FormatInt(maxRevision+1, 10)
	}
	p.current.Annotations = copiedAnnotations(d)
	p.current.Annotations[revisionAnnotation] = revision
	if history != "" {
		p.current.Annotations[revisionHistoryAnnotation] = history
	}
	p.current.Spec.Replicas = ptrTo(replicas(d))
	p.current.Spec.MinReadySeconds = d.Spec.MinReadySeconds

	slices.SortFunc(p.keep, func(a, b *appsv1.ReplicaSet) int { return int(Revision(a) - Revision(b)) })
	limit := defaultHistoryLimit
	if d.Spec.RevisionHistoryLimit != nil {
		limit = int(*d.Spec.RevisionHistoryLimit)
	}
	for len(p.keep) > limit && p.keep[0].Status.Replicas == 0 {
		p.remove = append(p.remove, p.keep[0])
		p.keep = p.keep[1:]
	}
	p.keep = append(p.keep, p.current)
	return p
}

func replicas(d *appsv1.Deployment) int32 {
	if d.Spec.Replicas == nil {
		return 1
	}
	return *d.Spec.Replicas
}

func ptrTo[T any](v T) *T { return &v }
