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

package execution

import (
	"context"
	"strconv"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	dynamicfake "k8s.io/client-go/dynamic/fake"
	clienttesting "k8s.io/client-go/testing"
)

var deployments = schema.GroupVersionResource{Group: "apps", Version: "v1", Resource: "deployments"}

// Field sets of a member Deployment: Kurator's apply with or without the
// replicas, and the member's HPA controller's scale.
const (
	kuratorWithReplicas = `{"f:metadata":{"f:labels":{}},"f:spec":{"f:replicas":{},"f:template":{}}}`
	kuratorNoReplicas   = `{"f:metadata":{"f:labels":{}},"f:spec":{"f:template":{}}}`
	hpaScaled           = `{"f:spec":{"f:replicas":{}}}`
)

// deploymentMember is a member API for Deployments whose server-side apply
// behaves as a real one does in what retaining depends on: a
// resourceVersion in the body is a precondition, a replicas field left out
// keeps the member's value when another manager owns it, and Kurator owns
// the replicas when it sent them. It records every applied body.
type deploymentMember struct {
	*dynamicfake.FakeDynamicClient
	bodies []*unstructured.Unstructured
	// beforeApply, when set, runs before an apply is stored (a member's
	// HPA scaling at that moment).
	beforeApply func()
}

func newDeploymentMember(t *testing.T, live *unstructured.Unstructured) *deploymentMember {
	t.Helper()
	var objects []runtime.Object
	if live != nil {
		objects = append(objects, live)
	}
	m := &deploymentMember{FakeDynamicClient: dynamicfake.NewSimpleDynamicClientWithCustomListKinds(runtime.NewScheme(),
		map[schema.GroupVersionResource]string{deployments: "DeploymentList"}, objects...)}
	tracker := m.Tracker()
	m.PrependReactor("patch", "deployments", func(action clienttesting.Action) (bool, runtime.Object, error) {
		patch, ok := action.(clienttesting.PatchAction)
		if !ok || patch.GetPatchType() != types.ApplyPatchType {
			return false, nil, nil
		}
		body := &unstructured.Unstructured{}
		if err := body.UnmarshalJSON(patch.GetPatch()); err != nil {
			return true, nil, err
		}
		m.bodies = append(m.bodies, body.DeepCopy())
		if m.beforeApply != nil {
			m.beforeApply()
			m.beforeApply = nil
		}
		stored := body.DeepCopy()
		existing, err := tracker.Get(deployments, patch.GetNamespace(), patch.GetName())
		if err != nil && !apierrors.IsNotFound(err) {
			return true, nil, err
		}
		fields, version := kuratorNoReplicas, int64(1)
		if _, sent, _ := unstructured.NestedFieldNoCopy(body.Object, "spec", "replicas"); sent {
			fields = kuratorWithReplicas
		}
		managed := []metav1.ManagedFieldsEntry{{Manager: fieldManager, Operation: metav1.ManagedFieldsOperationApply,
			APIVersion: "apps/v1", FieldsType: "FieldsV1", FieldsV1: metav1.NewFieldsV1(fields)}}
		if existing != nil {
			old := existing.(*unstructured.Unstructured)
			if rv := body.GetResourceVersion(); rv != "" && rv != old.GetResourceVersion() {
				return true, nil, apierrors.NewConflict(schema.GroupResource{Group: "apps", Resource: "deployments"}, old.GetName(), nil)
			}
			version, _ = strconv.ParseInt(old.GetResourceVersion(), 10, 64)
			version++
			stored.SetUID(old.GetUID())
			if fields == kuratorNoReplicas {
				replicas, _, _ := unstructured.NestedFieldCopy(old.Object, "spec", "replicas")
				_ = unstructured.SetNestedField(stored.Object, replicas, "spec", "replicas")
				for _, f := range old.GetManagedFields() {
					if f.Manager != fieldManager {
						managed = append(managed, f)
					}
				}
			}
		} else {
			stored.SetUID("created")
		}
		stored.SetResourceVersion(strconv.FormatInt(version, 10))
		stored.SetManagedFields(managed)
		if existing == nil {
			err = tracker.Create(deployments, stored, patch.GetNamespace())
		} else {
			err = tracker.Update(deployments, stored, patch.GetNamespace())
		}
		return true, stored, err
	})
	return m
}

// scale is the member's HPA controller writing replicas.
func (m *deploymentMember) scale(t *testing.T, replicas int64) {
	t.Helper()
	obj, err := m.Tracker().Get(deployments, "n", "web")
	if err != nil {
		t.Fatal(err)
	}
	live := obj.(*unstructured.Unstructured).DeepCopy()
	_ = unstructured.SetNestedField(live.Object, replicas, "spec", "replicas")
	version, _ := strconv.ParseInt(live.GetResourceVersion(), 10, 64)
	live.SetResourceVersion(strconv.FormatInt(version+1, 10))
	var kept []metav1.ManagedFieldsEntry
	for _, f := range live.GetManagedFields() {
		if f.Manager == fieldManager && f.FieldsV1.GetRawString() == kuratorWithReplicas {
			f.FieldsV1 = metav1.NewFieldsV1(kuratorNoReplicas)
		}
		if f.Manager != "kube-controller-manager" {
			kept = append(kept, f)
		}
	}
	live.SetManagedFields(append(kept, metav1.ManagedFieldsEntry{Manager: "kube-controller-manager", Operation: metav1.ManagedFieldsOperationUpdate,
		APIVersion: "apps/v1", Subresource: "scale", FieldsType: "FieldsV1", FieldsV1: metav1.NewFieldsV1(hpaScaled)}))
	if err := m.Tracker().Update(deployments, live, "n"); err != nil {
		t.Fatal(err)
	}
}

func (m *deploymentMember) replicas(t *testing.T) int64 {
	t.Helper()
	obj, err := m.Resource(deployments).Namespace("n").Get(context.Background(), "web", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	n, _, _ := unstructured.NestedInt64(obj.Object, "spec", "replicas")
	return n
}

// deploymentTarget is the manifest of Deployment n/web with the share
// replicas, labelled to retain them or not.
func deploymentTarget(t *testing.T, replicas int, retain bool) *target {
	t.Helper()
	labels := `{"app":"web"}`
	if retain {
		labels = `{"app":"web","resourcetemplate.karmada.io/retain-replicas":"true"}`
	}
	obj, err := decode(manifest(`{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"n","labels":`+labels+`},`+
		`"spec":{"replicas":`+strconv.Itoa(replicas)+`,"template":{"spec":{"containers":[{"name":"app","image":"nginx"}]}}}}`), "ns/w")
	if err != nil {
		t.Fatal(err)
	}
	tg, err := resolve(testMapper(), obj, 0)
	if err != nil {
		t.Fatal(err)
	}
	return tg
}

func applyTo(t *testing.T, mc *memberClient, tg *target) {
	t.Helper()
	if o := mc.apply(context.Background(), tg, "ns/w", ""); o.err != nil || o.conflict != "" {
		t.Fatalf("apply: err %v, conflict %q", o.err, o.conflict)
	}
}

func sentReplicas(body *unstructured.Unstructured) (int64, bool) {
	n, found, _ := unstructured.NestedInt64(body.Object, "spec", "replicas")
	return n, found
}

func TestRetainedReplicasAreSentOnlyOnCreation(t *testing.T) {
	member := newDeploymentMember(t, nil)
	mc := freshMemberClient(t, member.FakeDynamicClient)
	applyTo(t, mc, deploymentTarget(t, 3, true))
	if n, sent := sentReplicas(member.bodies[0]); !sent || n != 3 {
		t.Fatalf("creation sent replicas %d (sent: %t), want the manifest's 3", n, sent)
	}

	// The member's HPA scales to 7, which takes the field from Kurator:
	// the next apply leaves it out and the member keeps 7.
	member.scale(t, 7)
	applyTo(t, mc, deploymentTarget(t, 3, true))
	if len(member.bodies) != 2 {
		t.Fatalf("member saw %d applies, want 2: Kurator lost a field, so it applies again", len(member.bodies))
	}
	if n, sent := sentReplicas(member.bodies[1]); sent {
		t.Fatalf("apply after the HPA scaled sent replicas %d", n)
	}
	if got := member.replicas(t); got != 7 {
		t.Fatalf("member runs %d replicas, want the HPA's 7", got)
	}

	// A new division of the template's replicas re-renders the manifest:
	// nothing is sent.
	applyTo(t, mc, deploymentTarget(t, 5, true))
	if len(member.bodies) != 2 {
		t.Fatalf("a new share of retained replicas was applied: %d applies", len(member.bodies))
	}
}

func TestRetainedReplicasStillOwnedAreReappliedAsTheMemberHasThem(t *testing.T) {
	// Created before the label was set: Kurator's apply owns the replicas,
	// and the member runs 4 of them.
	member := newDeploymentMember(t, nil)
	mc := freshMemberClient(t, member.FakeDynamicClient)
	applyTo(t, mc, deploymentTarget(t, 4, false))
	applyTo(t, mc, deploymentTarget(t, 6, true))
	body := member.bodies[1]
	if n, sent := sentReplicas(body); !sent || n != 4 {
		t.Fatalf("sent replicas %d (sent: %t), want the member's 4: leaving out a field Kurator owns resets it", n, sent)
	}
	if body.GetResourceVersion() == "" {
		t.Fatal("the member's value was sent without its resourceVersion: a concurrent scale would be undone")
	}
	if got := member.replicas(t); got != 4 {
		t.Fatalf("member runs %d replicas, want 4", got)
	}
}

func TestRetainedReplicasFollowAScaleDuringTheApply(t *testing.T) {
	member := newDeploymentMember(t, nil)
	mc := freshMemberClient(t, member.FakeDynamicClient)
	applyTo(t, mc, deploymentTarget(t, 4, false))
	// The HPA scales to 9 between Kurator's read and its apply.
	member.beforeApply = func() { member.scale(t, 9) }
	applyTo(t, mc, deploymentTarget(t, 4, true))
	if got := member.replicas(t); got != 9 {
		t.Fatalf("member runs %d replicas, want the HPA's 9", got)
	}
	last := member.bodies[len(member.bodies)-1]
	if n, sent := sentReplicas(last); sent {
		t.Fatalf("the retry sent replicas %d; the HPA owns them now", n)
	}
}

func TestReplicasWithoutTheLabelAreApplied(t *testing.T) {
	member := newDeploymentMember(t, nil)
	mc := freshMemberClient(t, member.FakeDynamicClient)
	applyTo(t, mc, deploymentTarget(t, 3, false))
	member.scale(t, 7)
	applyTo(t, mc, deploymentTarget(t, 3, false))
	if n, sent := sentReplicas(member.bodies[1]); !sent || n != 3 {
		t.Fatalf("sent replicas %d (sent: %t), want the manifest's 3", n, sent)
	}
	if deploymentTarget(t, 3, false).hash == deploymentTarget(t, 5, false).hash {
		t.Fatal("manifests differing in replicas hash alike without the label")
	}
	if deploymentTarget(t, 3, true).hash != deploymentTarget(t, 5, true).hash {
		t.Fatal("manifests differing only in retained replicas hash differently")
	}
}
