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

package podresources

import (
	"testing"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/utils/ptr"
)

func rl(pairs ...string) corev1.ResourceList {
	out := corev1.ResourceList{}
	for i := 0; i < len(pairs); i += 2 {
		out[corev1.ResourceName(pairs[i])] = resource.MustParse(pairs[i+1])
	}
	return out
}

// milli makes ResourceLists comparable regardless of quantity formatting.
func milli(l corev1.ResourceList) map[corev1.ResourceName]int64 {
	out := make(map[corev1.ResourceName]int64, len(l))
	for name, q := range l {
		out[name] = q.MilliValue()
	}
	return out
}

func container(name string, requests corev1.ResourceList) corev1.Container {
	return corev1.Container{Name: name, Resources: corev1.ResourceRequirements{Requests: requests}}
}

func sidecar(name string, requests corev1.ResourceList) corev1.Container {
	c := container(name, requests)
	c.RestartPolicy = ptr.To(corev1.ContainerRestartPolicyAlways)
	return c
}

func TestPodRequests(t *testing.T) {
	cases := map[string]struct {
		spec corev1.PodSpec
		want corev1.ResourceList
	}{
		"no requests": {
			spec: corev1.PodSpec{Containers: []corev1.Container{container("a", nil)}},
			want: corev1.ResourceList{},
		},
		"containers add up": {
			spec: corev1.PodSpec{Containers: []corev1.Container{container("a", rl("cpu", "100m", "memory", "64Mi")), container("b", rl("cpu", "200m"))}},
			want: rl("cpu", "300m", "memory", "64Mi"),
		},
		"the largest init container wins per resource": {
			spec: corev1.PodSpec{
				InitContainers: []corev1.Container{container("i1", rl("cpu", "1")), container("i2", rl("cpu", "500m", "memory", "1Gi"))},
				Containers:     []corev1.Container{container("a", rl("cpu", "100m", "memory", "64Mi"))},
			},
			want: rl("cpu", "1", "memory", "1Gi"),
		},
		"init containers smaller than the containers do not count": {
			spec: corev1.PodSpec{
				InitContainers: []corev1.Container{container("i", rl("cpu", "50m"))},
				Containers:     []corev1.Container{container("a", rl("cpu", "100m"))},
			},
			want: rl("cpu", "100m"),
		},
		"sidecars run with the containers": {
			spec: corev1.PodSpec{
				InitContainers: []corev1.Container{sidecar("s", rl("cpu", "200m"))},
				Containers:     []corev1.Container{container("a", rl("cpu", "100m"))},
			},
			want: rl("cpu", "300m"),
		},
		"an init container after a sidecar runs beside it": {
			spec: corev1.PodSpec{
				InitContainers: []corev1.Container{sidecar("s", rl("cpu", "200m")), container("i", rl("cpu", "1"))},
				Containers:     []corev1.Container{container("a", rl("cpu", "100m"))},
			},
			want: rl("cpu", "1200m"),
		},
		"an init container before a sidecar runs alone": {
			spec: corev1.PodSpec{
				InitContainers: []corev1.Container{container("i", rl("cpu", "1")), sidecar("s", rl("cpu", "200m"))},
				Containers:     []corev1.Container{container("a", rl("cpu", "100m"))},
			},
			want: rl("cpu", "1"),
		},
		"overhead is added": {
			spec: corev1.PodSpec{
				Containers: []corev1.Container{container("a", rl("cpu", "100m"))},
				Overhead:   rl("cpu", "50m", "memory", "10Mi"),
			},
			want: rl("cpu", "150m", "memory", "10Mi"),
		},
		"pod-level requests replace the containers' for cpu and memory": {
			spec: corev1.PodSpec{
				Resources:  &corev1.ResourceRequirements{Requests: rl("cpu", "2", "memory", "1Gi")},
				Containers: []corev1.Container{container("a", rl("cpu", "100m", "memory", "64Mi", "ephemeral-storage", "1Gi"))},
				Overhead:   rl("cpu", "50m"),
			},
			want: rl("cpu", "2050m", "memory", "1Gi", "ephemeral-storage", "1Gi"),
		},
		"pod-level requests of unsupported resources are ignored": {
			spec: corev1.PodSpec{
				Resources:  &corev1.ResourceRequirements{Requests: rl("ephemeral-storage", "5Gi")},
				Containers: []corev1.Container{container("a", rl("ephemeral-storage", "1Gi"))},
			},
			want: rl("ephemeral-storage", "1Gi"),
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			g := NewWithT(t)
			got := Requests(&tc.spec)
			g.Expect(milli(got)).To(Equal(milli(tc.want)))
		})
	}
}

func TestPodRequestsDoesNotMutateThePod(t *testing.T) {
	g := NewWithT(t)
	p := &corev1.Pod{Spec: corev1.PodSpec{
		InitContainers: []corev1.Container{sidecar("s", rl("cpu", "200m"))},
		Containers:     []corev1.Container{container("a", rl("cpu", "100m")), container("b", rl("cpu", "100m"))},
		Overhead:       rl("cpu", "50m"),
	}}
	before := p.DeepCopy()
	Requests(&p.Spec)
	Requests(&p.Spec)
	g.Expect(p).To(Equal(before))
}
