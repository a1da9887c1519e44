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
package dependencies

import (
	"context"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	dynamicfake "k8s.io/client-go/dynamic/fake"
	"k8s.io/client-go/tools/events"
	clocktesting "k8s.io/utils/clock/testing"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/scheme"
)

// fixture is a control plane with a Deployment that mounts ConfigMap
// "conf" and reads Secret "creds" (which does not exist at first), and its
// binding with propagateDeps.
type fixture struct {
	t      *testing.T
	client client.Client
	r      *Reconciler
	clock  *clocktesting.FakePassiveClock
	key    types.NamespacedName
}

func newFixture(t *testing.T, extra ...client.Object) *fixture {
	t.Helper()
	d := &appsv1.Deployment{
		TypeMeta:   metav1.TypeMeta{APIVersion: "apps/v1", Kind: "Deployment"},
		ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "ns", UID: "web-uid"},
		Spec: appsv1.DeploymentSpec{Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{
			Containers: []corev1.Container{{Name: "app", Image: "nginx", Env: []corev1.EnvVar{{Name: "PASSWORD",
				ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: "creds"}, Key: "p"}}}}}},
			Volumes: []corev1.Volume{{Name: "conf", VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{LocalObjectReference: corev1.LocalObjectReference{Name: "conf"}}}}},
		}}},
	}
	raw, err := runtime.DefaultUnstructuredConverter.ToUnstructured(d)
	if err != nil {
		t.Fatal(err)
	}
	dyn := dynamicfake.NewSimpleDynamicClient(runtime.NewScheme(), &unstructured.Unstructured{Object: raw})
	mapper := apimeta.NewDefaultRESTMapper(nil)
	mapper.Add(appsv1.SchemeGroupVersion.WithKind("Deployment"), apimeta.RESTScopeNamespace)
	rb := &workv1alpha2.ResourceBinding{
		ObjectMeta: metav1.ObjectMeta{Name: "web-deployment", Namespace: "ns", Generation: 1},
		Spec: workv1alpha2.ResourceBindingSpec{
			Resource:      workv1alpha2.ObjectReference{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "ns", Name: "web", UID: "web-uid"},
			PropagateDeps: true, Replicas: 10, Placement: &policyv1alpha1.Placement{},
			ConflictResolution: policyv1alpha1.ConflictOverwrite,
			Clusters:           []workv1alpha2.TargetCluster{{Name: "a", Replicas: 6}, {Name: "b", Replicas: 4}},
		},
	}
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "conf", Namespace: "ns", UID: "conf-uid"}}
	c := fake.NewClientBuilder().WithScheme(scheme.Scheme).
		WithObjects(append([]client.Object{rb, cm}, extra...)...).
		WithStatusSubresource(&workv1alpha2.ResourceBinding{}).
		WithIndex(&workv1alpha2.ResourceBinding{}, requiredByIndex, func(o client.Object) []string {
			return requiredByKeys(o.(*workv1alpha2.ResourceBinding))
		}).Build()
	clk := clocktesting.NewFakePassiveClock(time.Date(2026, 5, 6, 7, 8, 9, 0, time.UTC))
	r := &Reconciler{Client: c, Reader: c, Dynamic: dyn, Mapper: mapper, Recorder: events.NewFakeRecorder(100), Clock: clk, refs: newReferences()}
	return &fixture{t: t, client: c, r: r, clock: clk, key: client.ObjectKeyFromObject(rb)}
}

func (f *fixture) reconcile(key types.NamespacedName) {
	f.t.Helper()
	if _, err := f.r.Reconcile(context.Background(), ctrl.Request{NamespacedName: key}); err != nil {
		f.t.Fatalf("reconcile %s: %v", key, err)
	}
}

func (f *fixture) binding(name string) *workv1alpha2.ResourceBinding {
	f.t.Helper()
	rb := &workv1alpha2.ResourceBinding{}
	if err := f.client.Get(context.Background(), types.NamespacedName{Namespace: "ns", Name: name}, rb); err != nil {
		if apierrors.IsNotFound(err) {
			return nil
		}
		f.t.Fatal(err)
	}
	return rb
}

func (f *fixture) update(name string, mutate func(*workv1alpha2.ResourceBinding)) {
	f.t.Helper()
	rb := f.binding(name)
	mutate(rb)
	if err := f.client.Update(context.Background(), rb); err != nil {
		f.t.Fatal(err)
	}
}

func clusterNames(s workv1alpha2.BindingSnapshot) []string {
	var out []string
	for _, c := range s.Clusters {
		out = append(out, c.Name)
	}
	return out
}

func TestAttachedBindingFollowsTheWorkload(t *testing.T) {
	f := newFixture(t)
	f.reconcile(f.key)

	attached := f.binding("conf-configmap")
	if attached == nil {
		t.Fatal("no attached binding for the ConfigMap")
	}
	if attached.Spec.Placement != nil || attached.Spec.Resource.UID != "conf-uid" || attached.Spec.ConflictResolution != policyv1alpha1.ConflictOverwrite {
		t.Fatalf("attached binding spec: %+v", attached.Spec)
	}
	if len(attached.OwnerReferences) != 1 || attached.OwnerReferences[0].UID != "conf-uid" {
		t.Fatalf("attached binding is not owned by its ConfigMap: %+v", attached.OwnerReferences)
	}
	if rq := attached.Spec.RequiredBy; len(rq) != 1 || rq[0].Name != "web-deployment" || len(rq[0].Clusters) != 2 {
		t.Fatalf("requiredBy: %+v", rq)
	}
	// A change of the ConfigMap reaches the attached binding (the binding
	// controller renders it again) through the template annotation.
	cm := &corev1.ConfigMap{}
	if err := f.client.Get(context.Background(), types.NamespacedName{Namespace: "ns", Name: "conf"}, cm); err != nil {
		t.Fatal(err)
	}
	if got := attached.Annotations[workv1alpha2.TemplateVersionAnnotation]; got != "rv-"+cm.ResourceVersion {
		t.Fatalf("template annotation %q, want rv-%s", got, cm.ResourceVersion)
	}
	cm.Data = map[string]string{"mode": "green"}
	if err := f.client.Update(context.Background(), cm); err != nil {
		t.Fatal(err)
	}
	if reqs := f.r.dependentsOf("ConfigMap")(context.Background(), cm); len(reqs) != 1 || reqs[0].NamespacedName != f.key {
		t.Fatalf("the ConfigMap maps to %v, want the workload's binding", reqs)
	}
	f.reconcile(f.key)
	if got := f.binding("conf-configmap").Annotations[workv1alpha2.TemplateVersionAnnotation]; got != "rv-"+cm.ResourceVersion {
		t.Fatalf("template annotation %q after the change, want rv-%s", got, cm.ResourceVersion)
	}

	// The Secret is missing: the condition says so and nothing is made for it.
	if f.binding("creds-secret") != nil {
		t.Fatal("a binding was made for a Secret that does not exist")
	}
	cond := apimeta.FindStatusCondition(f.binding("web-deployment").Status.Conditions, ConditionDependenciesDistributed)
	if cond == nil || cond.Status != metav1.ConditionFalse || cond.Reason != ReasonDependencyNotFound || cond.ObservedGeneration != 1 ||
		!cond.LastTransitionTime.Time.Equal(f.clock.Now()) {
		t.Fatalf("condition with a missing Secret: %+v", cond)
	}
	f.clock.SetTime(f.clock.Now().Add(time.Minute))
	// The Secret appears; its creation is mapped to the workload's binding.
	secret := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "creds", Namespace: "ns", UID: "creds-uid"}}
	if err := f.client.Create(context.Background(), secret); err != nil {
		t.Fatal(err)
	}
	reqs := f.r.dependentsOf("Secret")(context.Background(), secret)
	if len(reqs) != 1 || reqs[0].NamespacedName != f.key {
		t.Fatalf("the Secret maps to %v, want the workload's binding", reqs)
	}
	f.reconcile(f.key)
	if f.binding("creds-secret") == nil {
		t.Fatal("no attached binding for the Secret once it exists")
	}
	cond = apimeta.FindStatusCondition(f.binding("web-deployment").Status.Conditions, ConditionDependenciesDistributed)
	if cond == nil || cond.Status != metav1.ConditionTrue || !cond.LastTransitionTime.Time.Equal(f.clock.Now()) {
		t.Fatalf("condition with every dependency, changed at %s: %+v", f.clock.Now(), cond)
	}

	// The workload moves: the snapshots follow.
	f.update("web-deployment", func(rb *workv1alpha2.ResourceBinding) {
		rb.Spec.Clusters = []workv1alpha2.TargetCluster{{Name: "c", Replicas: 10}}
	})
	f.reconcile(f.key)
	for _, name := range []string{"conf-configmap", "creds-secret"} {
		if got := clusterNames(f.binding(name).Spec.RequiredBy[0]); len(got) != 1 || got[0] != "c" {
			t.Fatalf("%s requiredBy clusters %v, want [c]", name, got)
		}
	}

	// The workload stops propagating its dependencies: attached bindings go,
	// and so does the condition.
	f.update("web-deployment", func(rb *workv1alpha2.ResourceBinding) { rb.Spec.PropagateDeps = false })
	f.reconcile(f.key)
	if f.binding("conf-configmap") != nil || f.binding("creds-secret") != nil {
		t.Fatal("attached bindings nothing requires were kept")
	}
	if c := apimeta.FindStatusCondition(f.binding("web-deployment").Status.Conditions, ConditionDependenciesDistributed); c != nil {
		t.Fatalf("condition kept without propagateDeps: %+v", c)
	}
}

func TestOwnBindingIsSharedNotDeleted(t *testing.T) {
	// The ConfigMap has its own policy: its binding has a placement and
	// clusters. A second workload requires it too.
	own := &workv1alpha2.ResourceBinding{
		ObjectMeta: metav1.ObjectMeta{Name: "conf-configmap", Namespace: "ns"},
		Spec: workv1alpha2.ResourceBindingSpec{
			Resource:   workv1alpha2.ObjectReference{APIVersion: "v1", Kind: "ConfigMap", Namespace: "ns", Name: "conf", UID: "conf-uid"},
			Placement:  &policyv1alpha1.Placement{},
			Clusters:   []workv1alpha2.TargetCluster{{Name: "z"}},
			RequiredBy: []workv1alpha2.BindingSnapshot{snapshot("api-deployment", "x")},
		},
	}
	f := newFixture(t, own)
	f.reconcile(f.key)
	rb := f.binding("conf-configmap")
	if len(rb.Spec.RequiredBy) != 2 || rb.Spec.RequiredBy[0].Name != "api-deployment" || rb.Spec.RequiredBy[1].Name != "web-deployment" {
		t.Fatalf("requiredBy of the shared binding: %+v", rb.Spec.RequiredBy)
	}
	if len(rb.Spec.Clusters) != 1 || rb.Spec.Clusters[0].Name != "z" || rb.Annotations[workv1alpha2.TemplateVersionAnnotation] != "" {
		t.Fatalf("the binding of the ConfigMap's own policy was changed beyond requiredBy: %+v", rb)
	}

	// The workload's binding is deleted: its entry goes, the binding stays
	// (it has its own placement and another dependent).
	if err := f.client.Delete(context.Background(), f.binding("web-deployment")); err != nil {
		t.Fatal(err)
	}
	f.reconcile(f.key)
	rb = f.binding("conf-configmap")
	if rb == nil || len(rb.Spec.RequiredBy) != 1 || rb.Spec.RequiredBy[0].Name != "api-deployment" {
		t.Fatalf("after the dependent's deletion: %+v", rb)
	}
	// The other dependent is gone too (a restart missed it): the binding's
	// event names it, and its entry goes; the binding has a placement, so
	// it stays.
	reqs := bindingRequests(context.Background(), rb)
	if len(reqs) != 2 || reqs[1].Name != "api-deployment" {
		t.Fatalf("binding maps to %v, want itself and api-deployment", reqs)
	}
	f.reconcile(reqs[1].NamespacedName)
	rb = f.binding("conf-configmap")
	if rb == nil || len(rb.Spec.RequiredBy) != 0 {
		t.Fatalf("after the last dependent's deletion: %+v", rb)
	}
}
