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

package revisions

import (
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
)

func deployment(image string, replicas int32) *appsv1.Deployment {
	return &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "apps", UID: "uid-web", Generation: 1,
			Annotations: map[string]string{
				"team": "payments", corev1.LastAppliedConfigAnnotation: "{}",
				"propagationpolicy.karmada.io/name": "p", "kubernetes.io/change-cause": "deploy " + image,
			}},
		Spec: appsv1.DeploymentSpec{
			Replicas: &replicas,
			Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "web"}},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "web"}},
				Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "web", Image: image}}},
			},
		},
	}
}

// stored stands for what the API server returns: the plan's objects, kept.
func stored(p plan) []appsv1.ReplicaSet {
	var out []appsv1.ReplicaSet
	for _, rs := range p.keep {
		c := rs.DeepCopy()
		c.ResourceVersion = "1"
		out = append(out, *c)
	}
	return out
}

func TestFirstRevision(t *testing.T) {
	d := deployment("web:1", 4)
	p := project(d, nil)
	if len(p.keep) != 1 || len(p.remove) != 0 {
		t.Fatalf("keep %d, remove %d; want one new revision", len(p.keep), len(p.remove))
	}
	rs := p.current
	hash := rs.Spec.Template.Labels[hashLabel]
	switch {
	case hash == "" || rs.Name != "web-"+hash || rs.Spec.Selector.MatchLabels[hashLabel] != hash || rs.Labels[hashLabel] != hash:
		t.Fatalf("name %s, template hash %q, selector %v, labels %v", rs.Name, hash, rs.Spec.Selector.MatchLabels, rs.Labels)
	case rs.Labels[workv1alpha2.RevisionOfLabel] != "web" || rs.Labels["app"] != "web":
		t.Fatalf("labels %v", rs.Labels)
	case !metav1.IsControlledBy(rs, d):
		t.Fatalf("owner references %v", rs.OwnerReferences)
	case Revision(rs) != 1 || *rs.Spec.Replicas != 4:
		t.Fatalf("revision %d, replicas %d", Revision(rs), *rs.Spec.Replicas)
	case rs.Annotations["team"] != "payments" || rs.Annotations["kubernetes.io/change-cause"] != "deploy web:1":
		t.Fatalf("annotations %v: the Deployment's own should be recorded", rs.Annotations)
	case rs.Annotations[corev1.LastAppliedConfigAnnotation] != "" || rs.Annotations["propagationpolicy.karmada.io/name"] != "":
		t.Fatalf("annotations %v: bookkeeping must stay off (undo copies them back)", rs.Annotations)
	}
	if !sameTemplate(rs, d) {
		t.Fatal("the revision's template must match the Deployment's, ignoring the hash")
	}
	// Nothing changes when nothing changed.
	again := project(d, stored(p))
	if again.current.Name != rs.Name || Revision(again.current) != 1 || len(again.keep) != 1 {
		t.Fatalf("a second pass made %v", again.keep)
	}
}

func TestNewTemplateThenUndo(t *testing.T) {
	d1 := deployment("web:1", 4)
	first := project(d1, nil)
	d2 := deployment("web:2", 4)
	second := project(d2, stored(first))
	if len(second.keep) != 2 || Revision(second.current) != 2 || second.current.Name == first.current.Name {
		t.Fatalf("after an image change: %d revisions, current %s revision %d", len(second.keep), second.current.Name, Revision(second.current))
	}
	for _, rs := range second.keep {
		if rs != second.current && *rs.Spec.Replicas != 0 {
			t.Fatalf("old revision %s keeps %d replicas; want 0", rs.Name, *rs.Spec.Replicas)
		}
	}
	// kubectl rollout undo puts the first template back: its revision
	// becomes the newest and remembers its old number.
	third := project(d1, stored(second))
	if len(third.keep) != 2 || third.current.Name != first.current.Name || Revision(third.current) != 3 ||
		third.current.Annotations[revisionHistoryAnnotation] != "1" || *third.current.Spec.Replicas != 4 {
		t.Fatalf("after undo: current %s revision %d history %q", third.current.Name, Revision(third.current), third.current.Annotations[revisionHistoryAnnotation])
	}
}

func TestHistoryLimit(t *testing.T) {
	limit := int32(0)
	var owned []appsv1.ReplicaSet
	for _, image := range []string{"web:1", "web:2", "web:3"} {
		owned = stored(project(deployment(image, 2), owned))
	}
	d := deployment("web:4", 2)
	d.Spec.RevisionHistoryLimit = &limit
	// The newest old revision still runs Pods: pruning stops before it.
	for i := range owned {
		if Revision(&owned[i]) == 3 {
			owned[i].Status.Replicas = 2
		}
	}
	p := project(d, owned)
	var kept []int64
	for _, rs := range p.keep {
		kept = append(kept, Revision(rs))
	}
	if len(p.remove) != 2 || len(kept) != 2 || kept[0] != 3 || kept[1] != 4 {
		t.Fatalf("kept revisions %v, removed %d; want [3 4] and 2 removed", kept, len(p.remove))
	}
}

func TestFleetStatus(t *testing.T) {
	d1 := deployment("web:1", 4)
	first := project(d1, nil)
	d := deployment("web:2", 4)
	d.Generation = 2
	p := project(d, stored(first))
	p.current.Generation, first.current.Generation = 1, 1
	// Mid-rollout: 2 of 4 Pods run the new template, 3 Pods are ready.
	d.Status = appsv1.DeploymentStatus{ObservedGeneration: 2, Replicas: 4, UpdatedReplicas: 2, ReadyReplicas: 3, AvailableReplicas: 3}
	got := fleetStatus(d, p)
	cur, prev := got[p.current.Name], got[first.current.Name]
	if cur.Replicas != 2 || cur.ReadyReplicas != 1 || cur.AvailableReplicas != 1 || cur.ObservedGeneration != 1 {
		t.Fatalf("current revision %+v; want 2 Pods, 1 surely ready", cur)
	}
	if prev.Replicas != 2 || prev.ReadyReplicas != 2 {
		t.Fatalf("previous revision %+v; want 2 Pods, 2 ready", prev)
	}
	// Before the fleet observed the new template nothing is said.
	d.Status.ObservedGeneration = 1
	if got := fleetStatus(d, p); len(got) != 0 {
		t.Fatalf("statuses before observation: %v", got)
	}
	// Rolled out.
	d.Status = appsv1.DeploymentStatus{ObservedGeneration: 2, Replicas: 4, UpdatedReplicas: 4, ReadyReplicas: 4, AvailableReplicas: 4}
	got = fleetStatus(d, p)
	if cur := got[p.current.Name]; cur.ReadyReplicas != 4 || got[first.current.Name].Replicas != 0 {
		t.Fatalf("rolled out: %v", got)
	}
}

func TestLongNames(t *testing.T) {
	d := deployment("web:1", 1)
	d.Name = ""
	for len(d.Name) < 253 {
		d.Name += "a"
	}
	rs := project(d, nil).current
	if len(rs.Name) > 253 || len(rs.Labels[workv1alpha2.RevisionOfLabel]) > 63 {
		t.Fatalf("name of %d characters, label value of %d", len(rs.Name), len(rs.Labels[workv1alpha2.RevisionOfLabel]))
	}
}
