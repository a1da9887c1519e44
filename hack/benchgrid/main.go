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

// Command benchgrid writes the scheduler benchmark grid
// (internal/scheduler/benchgrid) as 'kurator schedule' scenario files, so
// the Karmada oracle (hack/karmada-oracle) can decide the same inputs:
//
//	go run ./hack/benchgrid -out DIR [-k 100,1000]
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/yaml"

	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/scheduler"
	"kurator.dev/kurator/internal/scheduler/benchgrid"
	"kurator.dev/kurator/internal/scheduler/framework"
)

func main() {
	out := flag.String("out", "", "directory to write the scenario files to")
	sizes := flag.String("k", "100,1000,5000", "fleet sizes, comma-separated")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "usage: benchgrid -out DIR [-k 100,1000,5000]")
		os.Exit(2)
	}
	if err := run(*out, *sizes); err != nil {
		fmt.Fprintln(os.Stderr, "benchgrid:", err)
		os.Exit(1)
	}
}

func run(dir, sizes string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	s, err := scheduler.New(scheduler.DefaultConfig())
	if err != nil {
		return err
	}
	for _, field := range strings.Split(sizes, ",") {
		k, err := strconv.Atoi(strings.TrimSpace(field))
		if err != nil {
			return fmt.Errorf("fleet size %q: %w", field, err)
		}
		clusters := benchgrid.Clusters(k)
		for _, name := range benchgrid.Order {
			p := benchgrid.Placements(k)[name]
			var previous []framework.TargetCluster
			if name == "DynamicWeightScaleUp" {
				first, err := s.Schedule(context.Background(), &framework.Snapshot{Clusters: clusters}, benchgrid.Workload(benchgrid.ScaleUpFrom, p))
				if err != nil {
					return err
				}
				previous = first.Clusters
			}
			doc, err := scenario(clusters, p, previous)
			if err != nil {
				return err
			}
			if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%s-K%d.yaml", name, k)), doc, 0o644); err != nil {
				return err
			}
		}
	}
	return nil
}

// scenario renders the clusters, the grid's Deployment, the policy and, if
// any, the previous decision as one multi-document file.
func scenario(clusters []*framework.ClusterInfo, p *policyv1alpha1.Placement, previous []framework.TargetCluster) ([]byte, error) {
	var docs []any
	for _, c := range clusters {
		obj := c.Cluster.DeepCopy()
		obj.APIVersion, obj.Kind = "cluster.karmada.io/v1alpha1", "Cluster"
		docs = append(docs, obj)
	}
	w := benchgrid.Workload(benchgrid.Replicas, p)
	labels := map[string]string{"app": w.Name}
	docs = append(docs, &appsv1.Deployment{
		TypeMeta:   metav1.TypeMeta{APIVersion: "apps/v1", Kind: "Deployment"},
		ObjectMeta: metav1.ObjectMeta{Name: w.Name, Namespace: w.Namespace},
		Spec: appsv1.DeploymentSpec{
			Replicas: ptr.To(int32(w.Replicas)),
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels}, Spec: corev1.PodSpec{Containers: []corev1.Container{{
				Name: "app", Image: "example/app:1",
				Resources: corev1.ResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("100m"), corev1.ResourceMemory: resource.MustParse("128Mi")}},
			}}}},
		},
	})
	docs = append(docs, &policyv1alpha1.PropagationPolicy{
		TypeMeta:   metav1.TypeMeta{APIVersion: "policy.karmada.io/v1alpha1", Kind: "PropagationPolicy"},
		ObjectMeta: metav1.ObjectMeta{Name: w.Name, Namespace: w.Namespace},
		Spec: policyv1alpha1.PropagationSpec{
			ResourceSelectors: []policyv1alpha1.ResourceSelector{{APIVersion: "apps/v1", Kind: "Deployment", Name: w.Name}},
			Placement:         *p,
		},
	})
	if len(previous) > 0 {
		rb := &workv1alpha2.ResourceBinding{
			TypeMeta:   metav1.TypeMeta{APIVersion: "work.karmada.io/v1alpha2", Kind: "ResourceBinding"},
			ObjectMeta: metav1.ObjectMeta{Name: w.Name + "-deployment", Namespace: w.Namespace},
		}
		for _, t := range previous {
			rb.Spec.Clusters = append(rb.Spec.Clusters, workv1alpha2.TargetCluster{Name: t.Name, Replicas: int32(t.Replicas)})
		}
		docs = append(docs, rb)
	}
	var buf bytes.Buffer
	for i, d := range docs {
		b, err := yaml.Marshal(d)
		if err != nil {
			return nil, err
		}
		if i > 0 {
			buf.WriteString("---\n")
		}
		buf.Write(b)
	}
	return buf.Bytes(), nil
}
