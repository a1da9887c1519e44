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

package federatedhpa

import (
	"context"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	"k8s.io/apimachinery/pkg/api/meta/testrestmapper"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	autoscalingv1alpha1 "kurator.dev/kurator/api/autoscaling/v1alpha1"
	"kurator.dev/kurator/internal/scheme"
)

func targeting(name, target string) *autoscalingv1alpha1.FederatedHPA {
	return &autoscalingv1alpha1.FederatedHPA{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: name, UID: types.UID("uid-" + name)},
		Spec: autoscalingv1alpha1.FederatedHPASpec{MaxReplicas: 10,
			ScaleTargetRef: autoscalingv2.CrossVersionObjectReference{APIVersion: "apps/v1", Kind: "Deployment", Name: target}}}
}

// The label is on every template some FederatedHPA targets and on no
// other: it follows a changed target, stays while another FederatedHPA
// targets the template, and goes with the last one.
func TestTargetLabelFollowsTheFederatedHPAs(t *testing.T) {
	ctx := context.Background()
	c := fake.NewClientBuilder().WithScheme(scheme.Scheme).WithRESTMapper(testrestmapper.TestOnlyStaticRESTMapper(scheme.Scheme)).WithObjects(
		&appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "web", Labels: map[string]string{"app": "web"}}},
		&appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "api"}},
		targeting("first", "web"), targeting("second", "web"),
	).Build()
	r := &Reconciler{Client: c}
	sync := func(name string) {
		t.Helper()
		fhpa := &autoscalingv1alpha1.FederatedHPA{}
		if err := c.Get(ctx, client.ObjectKey{Namespace: "shop", Name: name}, fhpa); err != nil {
			t.Fatal(err)
		}
		if _, err := r.syncTargetLabel(ctx, fhpa); err != nil {
			t.Fatalf("sync %s: %v", name, err)
		}
	}
	labelled := func(name string) bool {
		t.Helper()
		d := &appsv1.Deployment{}
		if err := c.Get(ctx, client.ObjectKey{Namespace: "shop", Name: name}, d); err != nil {
			t.Fatal(err)
		}
		if d.Labels["app"] != "web" && name == "web" {
			t.Fatalf("the template's own labels changed: %v", d.Labels)
		}
		return d.Labels[autoscalingv1alpha1.MetricsReportedLabel] == "true"
	}

	sync("first")
	sync("second")
	if !labelled("web") || labelled("api") {
		t.Fatalf("web labelled %v, api %v; want web only", labelled("web"), labelled("api"))
	}

	// first now scales api: web stays labelled, for second.
	first := &autoscalingv1alpha1.FederatedHPA{}
	if err := c.Get(ctx, client.ObjectKey{Namespace: "shop", Name: "first"}, first); err != nil {
		t.Fatal(err)
	}
	first.Spec.ScaleTargetRef.Name = "api"
	if err := c.Update(ctx, first); err != nil {
		t.Fatal(err)
	}
	sync("first")
	if !labelled("web") || !labelled("api") {
		t.Fatalf("after first moved to api: web labelled %v, api %v; want both", labelled("web"), labelled("api"))
	}

	// second goes: web is no FederatedHPA's target any more.
	second := &autoscalingv1alpha1.FederatedHPA{}
	if err := c.Get(ctx, client.ObjectKey{Namespace: "shop", Name: "second"}, second); err != nil {
		t.Fatal(err)
	}
	if len(second.Finalizers) != 1 {
		t.Fatalf("second's finalizers %v; want the label's", second.Finalizers)
	}
	if err := c.Delete(ctx, second); err != nil {
		t.Fatal(err)
	}
	sync("second")
	if labelled("web") || !labelled("api") {
		t.Fatalf("after second was deleted: web labelled %v, api %v; want api only", labelled("web"), labelled("api"))
	}
	if err := c.Get(ctx, client.ObjectKeyFromObject(second), second); err == nil {
		t.Fatalf("second is still there with finalizers %v", second.Finalizers)
	}
}
