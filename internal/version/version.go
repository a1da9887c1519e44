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
// Package version holds the versions stamped into Kurator's binaries.
package version

// KubernetesVersion is the k8s.io/kubernetes module the local clusters are
// built from; a test keeps it in step with go.mod.
const KubernetesVersion = "v1.37.2"

// Version of Kurator, set at build time with -ldflags.
var Version = "v0.1.0-dev"

// KubeLDFlags stamps the Kubernetes version into kube-apiserver built from
// the module (otherwise it reports v0.0.0-master).
func KubeLDFlags() string {
	const pkg = "k8s.io/component-base/version"
	return "-X " + pkg + ".gitVersion=" + KubernetesVersion +
		" -X " + pkg + ".gitMajor=1 -X " + pkg + ".gitMinor=37 -X " + pkg + ".gitTreeState=clean"
}
