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

package retainreplicas

import (
	"context"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	"k8s.io/apimachinery/pkg/api/meta/testrestmapper"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
	"kurator.dev/kurator/internal/scheme"
)

func newClient(objs ...client.Object) client.Client {
	return fake.NewClientBuilder().WithScheme(scheme.Scheme).WithRESTMapper(testrestmapper.TestOnlyStaticRESTMapper(scheme.Scheme)).
		WithObjects(objs...).Build()
}

func webDeployment(labels, annotations map[string]string) *appsv1.Deployment {
	return &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "prod", UID: "web-uid", Labels: labels, Annotations: annotations},
		Spec: appsv1.DeploymentSpec{Replicas: ptr.To[int32](2)}}
}

func hpaFor(name, target string) *autoscalingv2.HorizontalPodAutoscaler {
	return &autoscalingv2.HorizontalPodAutoscaler{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "prod"},
		Spec: autoscalingv2.HorizontalPodAutoscalerSpec{MaxReplicas: 10,
			ScaleTargetRef: autoscalingv2.CrossVersionObjectReference{APIVersion: "apps/v1", Kind: "Deployment", Name: target}}}
}

// hpaPolicy propagates every HPA of the namespace.
var hpaPolicy = &policyv1alpha1.PropagationPolicy{ObjectMeta: metav1.ObjectMeta{Name: "hpas", Namespace: "prod"},
	Spec: policyv1alpha1.PropagationSpec{ResourceSelectors: []policyv1alpha1.ResourceSelector{{APIVersion: "autoscaling/v2", Kind: "HorizontalPodAutoscaler"}}}}

var web = Target{Namespace: "prod", APIVersion: "apps/v1", Kind: "Deployment", Name: "web"}

func mark(t *testing.T, c client.Client) *appsv1.Deployment {
	t.Helper()
	m := &Marker{Client: c, Reader: c}
	if _, err := m.Reconcile(context.Background(), web); err != nil {
		t.Fatal(err)
	}
	d := &appsv1.Deployment{}
	if err := c.Get(context.Background(), client.ObjectKey{Namespace: "prod", Name: "web"}, d); err != nil {
		t.Fatal(err)
	}
	return d
}

func retained(d *appsv1.Deployment) (labelled bool, setBy string) {
	return d.Labels[workv1alpha1.RetainReplicasLabel] == workv1alpha1.RetainReplicasValue, d.Annotations[workv1alpha1.RetainReplicasSetByAnnotation]
}

func TestMarkerLabelsTheTargetOfAPropagatedHPA(t *testing.T) {
	c := newClient(webDeployment(map[string]string{"app": "web"}, nil), hpaFor("web-hpa", "web"), hpaPolicy)
	d := mark(t, c)
	if labelled, by := retained(d); !labelled || by != "web-hpa" {
		t.Fatalf("labelled %t, set by %q; want the label, set for web-hpa", labelled, by)
	}
	if d.Labels["app"] != "web" {
		t.Fatalf("other labels lost: %v", d.Labels)
	}

	// A second propagated HPA is recorded; the first one going leaves the
	// label to the second; the last one going removes it.
	if err := c.Create(context.Background(), hpaFor("web-hpa-2", "web")); err != nil {
		t.Fatal(err)
	}
	if labelled, by := retained(mark(t, c)); !labelled || by != "web-hpa,web-hpa-2" {
		t.Fatalf("labelled %t, set by %q; want both HPAs", labelled, by)
	}
	for _, name := range []string{"web-hpa", "web-hpa-2"} {
		if err := c.Delete(context.Background(), hpaFor(name, "web")); err != nil {
			t.Fatal(err)
		}
	}
	d = mark(t, c)
	if _, found := d.Labels[workv1alpha1.RetainReplicasLabel]; found || d.Annotations[workv1alpha1.RetainReplicasSetByAnnotation] != "" {
		t.Fatalf("label %v, annotations %v left once no HPA is propagated", d.Labels, d.Annotations)
	}
}

func TestMarkerLeavesTargetsOfHPAsNoPolicyPropagates(t *testing.T) {
	c := newClient(webDeployment(nil, nil), hpaFor("web-hpa", "web"), hpaFor("other-hpa", "other"))
	if labelled, by := retained(mark(t, c)); labelled || by != "" {
		t.Fatalf("labelled %t, set by %q for an HPA served fleet-wide", labelled, by)
	}
}

func TestMarkerRemovesItsLabelWhenThePolicyGoes(t *testing.T) {
	c := newClient(webDeployment(nil, nil), hpaFor("web-hpa", "web"), hpaPolicy)
	if labelled, _ := retained(mark(t, c)); !labelled {
		t.Fatal("not labelled")
	}
	if err := c.Delete(context.Background(), hpaPolicy.DeepCopy()); err != nil {
		t.Fatal(err)
	}
	if labelled, by := retained(mark(t, c)); labelled || by != "" {
		t.Fatalf("labelled %t, set by %q after the policy went", labelled, by)
	}
}

func TestMarkerLeavesAUsersLabel(t *testing.T) {
	for name, value := range map[string]string{"retain": "true", "explicitly not": "false"} {
		t.Run(name, func(t *testing.T) {
			c := newClient(webDeployment(map[string]string{workv1alpha1.RetainReplicasLabel: value}, nil), hpaFor("web-hpa", "web"), hpaPolicy)
			d := mark(t, c)
			if d.Labels[workv1alpha1.RetainReplicasLabel] != value || d.Annotations[workv1alpha1.RetainReplicasSetByAnnotation] != "" {
				t.Fatalf("the user's label became %v, %v", d.Labels, d.Annotations)
			}
			if err := c.Delete(context.Background(), hpaFor("web-hpa", "web")); err != nil {
				t.Fatal(err)
			}
			if d := mark(t, c); d.Labels[workv1alpha1.RetainReplicasLabel] != value {
				t.Fatalf("the user's label was removed: %v", d.Labels)
			}
		})
	}
}

func TestMarkerSkipsAMissingTarget(t *testing.T) {
	c := newClient(hpaFor("web-hpa", "web"), hpaPolicy)
	m := &Marker{Client: c, Reader: c}
	if _, err := m.Reconcile(context.Background(), web); err != nil {
		t.Fatalf("a target not created yet: %v", err)
	}
}

func TestTargetScalesInAnyVersionOfItsGroup(t *testing.T) {
	hpa := hpaFor("web-hpa", "web")
	hpa.Spec.ScaleTargetRef.APIVersion = "apps/v1beta2"
	if !web.scales(hpa) {
		t.Fatal("an HPA naming apps/v1beta2 does not scale the apps/v1 Deployment")
	}
	hpa.Spec.ScaleTargetRef.APIVersion = "example.com/v1"
	if web.scales(hpa) {
		t.Fatal("an HPA of another group's Deployment scales this one")
	}
}
