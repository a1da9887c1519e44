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
package interpreter

import (
	"sort"

	corev1 "k8s.io/api/core/v1"
)

// Dependency is an object a workload needs in the same cluster: a
// ConfigMap, Secret, ServiceAccount or PersistentVolumeClaim its pods
// reference. It lives in the workload's namespace.
type Dependency struct {
	APIVersion string
	Kind       string
	Namespace  string
	Name       string
}

// PodDependencies returns what a pod spec references, as Karmada's
// built-in dependency interpreter does for the kinds that run pods:
// ConfigMaps and Secrets of volumes (also projected), env and envFrom,
// image pull Secrets, Secrets named by volume sources,
// PersistentVolumeClaims of volumes, and the service account unless it is
// "default". The result is sorted by kind then name, without duplicates.
func PodDependencies(ns string, spec *corev1.PodSpec) []Dependency {
	return collectDependencies(ns, func(add func(kind, name string)) { visitPodSpec(spec, add) })
}

// collectDependencies returns what visit names, in namespace ns, sorted by
// kind then name, without duplicates: the dependencies of a kind whose
// references are spread over several pod specs (or other fields).
func collectDependencies(ns string, visit func(add func(kind, name string))) []Dependency {
	seen := map[Dependency]bool{}
	var out []Dependency
	add := func(kind, name string) {
		if name == "" {
			return
		}
		d := Dependency{APIVersion: "v1", Kind: kind, Namespace: ns, Name: name}
		if !seen[d] {
			seen[d] = true
			out = append(out, d)
		}
	}
	visit(add)
	sort.Slice(out, func(i, j int) bool {
		if out[i].Kind != out[j].Kind {
			return out[i].Kind < out[j].Kind
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// visitPodSpec calls add(kind, name) for every object the pod spec names.
func visitPodSpec(spec *corev1.PodSpec, add func(kind, name string)) {
	const (
		configMap = "ConfigMap"
		secret    = "Secret"
	)
	if sa := spec.ServiceAccountName; sa != "" && sa != "default" {
		add("ServiceAccount", sa)
	} else if sa := spec.DeprecatedServiceAccount; sa != "" && sa != "default" && spec.ServiceAccountName == "" {
		add("ServiceAccount", sa)
	}
	for _, s := range spec.ImagePullSecrets {
		add(secret, s.Name)
	}
	containers := make([]corev1.Container, 0, len(spec.InitContainers)+len(spec.Containers)+len(spec.EphemeralContainers))
	containers = append(containers, spec.InitContainers...)
	containers = append(containers, spec.Containers...)
	for _, e := range spec.EphemeralContainers {
		containers = append(containers, corev1.Container(e.EphemeralContainerCommon))
	}
	for _, c := range containers {
		for _, e := range c.EnvFrom {
			if e.ConfigMapRef != nil {
				add(configMap, e.ConfigMapRef.Name)
			}
			if e.SecretRef != nil {
				add(secret, e.SecretRef.Name)
			}
		}
		for _, e := range c.Env {
			if e.ValueFrom == nil {
				continue
			}
			if r := e.ValueFrom.ConfigMapKeyRef; r != nil {
				add(configMap, r.Name)
			}
			if r := e.ValueFrom.SecretKeyRef; r != nil {
				add(secret, r.Name)
			}
		}
	}
	for _, v := range spec.Volumes {
		visitVolume(&v.VolumeSource, add)
	}
}

// visitVolume names the ConfigMaps, Secrets and claims of one volume,
// including the Secrets of the volume plugins that take one.
func visitVolume(v *corev1.VolumeSource, add func(kind, name string)) {
	const secret = "Secret"
	ref := func(r *corev1.LocalObjectReference) {
		if r != nil {
			add(secret, r.Name)
		}
	}
	switch {
	case v.ConfigMap != nil:
		add("ConfigMap", v.ConfigMap.Name)
	case v.Secret != nil:
		add(secret, v.Secret.SecretName)
	case v.PersistentVolumeClaim != nil:
		add("PersistentVolumeClaim", v.PersistentVolumeClaim.ClaimName)
	case v.Projected != nil:
		for _, s := range v.Projected.Sources {
			if s.ConfigMap != nil {
				add("ConfigMap", s.ConfigMap.Name)
			}
			if s.Secret != nil {
				add(secret, s.Secret.Name)
			}
		}
	case v.CSI != nil:
		ref(v.CSI.NodePublishSecretRef)
	case v.AzureFile != nil:
		add(secret, v.AzureFile.SecretName)
	case v.CephFS != nil:
		ref(v.CephFS.SecretRef)
	case v.Cinder != nil:
		ref(v.Cinder.SecretRef)
	case v.FlexVolume != nil:
		ref(v.FlexVolume.SecretRef)
	case v.ISCSI != nil:
		ref(v.ISCSI.SecretRef)
	case v.RBD != nil:
		ref(v.RBD.SecretRef)
	case v.ScaleIO != nil:
		ref(v.ScaleIO.SecretRef)
	case v.StorageOS != nil:
		ref(v.StorageOS.SecretRef)
	}
}
