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

package rollout

import (
	"testing"

	. "github.com/onsi/gomega"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
)

func deployment(image string, replicas int64, generation string) *unstructured.Unstructured {
	u := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "apps/v1", "kind": "Deployment",
		"metadata": map[string]any{"name": "web", "annotations": map[string]any{workv1alpha1.ResourceTemplateGenerationAnnotation: generation}},
		"spec": map[string]any{"replicas": replicas, "template": map[string]any{"spec": map[string]any{
			"containers": []any{map[string]any{"name": "app", "image": image}}}}},
	}}
	return u
}

func TestRevisionIgnoresScaling(t *testing.T) {
	g := NewWithT(t)
	a, err := Revision(deployment("web:v1", 2, "3"))
	g.Expect(err).NotTo(HaveOccurred())
	b, _ := Revision(deployment("web:v1", 5, "4"))
	c, _ := Revision(deployment("web:v2", 2, "3"))
	g.Expect(a).To(Equal(b), "a scale is not a release")
	g.Expect(a).NotTo(Equal(c), "a new image is")
}

func TestWithReplicasOf(t *testing.T) {
	g := NewWithT(t)
	held := WithReplicasOf(deployment("web:v1", 2, "3"), deployment("web:v2", 7, "9"), false)
	g.Expect(held.Object["spec"].(map[string]any)["replicas"]).To(Equal(int64(7)), "follows scaling")
	g.Expect(held.GetAnnotations()[workv1alpha1.ResourceTemplateGenerationAnnotation]).To(Equal("3"), "a held copy keeps its generation, so the fleet's status waits for it")
	released := WithReplicasOf(deployment("web:v2", 2, "3"), deployment("web:v2", 7, "9"), true)
	g.Expect(released.GetAnnotations()[workv1alpha1.ResourceTemplateGenerationAnnotation]).To(Equal("9"))
}
