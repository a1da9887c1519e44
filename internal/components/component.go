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

// Package components describes each process of Kurator's control plane once —
// binary, arguments, environment, ports, probes, volumes and resources — and
// renders that description for two runtimes: processes on this machine (the
// local fleet, package localfleet) and containers in a host cluster (the
// install's chart, hostmanifests.go). What the local tests exercise is what
// gets deployed.
package components

// Names of the components, as processes, containers and workloads.
const (
	// ControlPlaneName is the control-plane component: kube-apiserver over
	// embedded etcd, run by kurator-cluster; several replicas form one etcd
	// cluster.
	ControlPlaneName = "kurator"
	// ControllerManagerName is Kurator's controllers.
	ControllerManagerName = "kurator-controller-manager"
)

// Binaries of the components, in bin/ and in the image's /usr/local/bin.
const (
	ClusterBinary           = "kurator-cluster"
	ControllerManagerBinary = "kurator-controller-manager"
)

// Namespace is where, in the control plane, the components keep their
// Leases: the controller-manager's leader lock and each control-plane
// replica's report (MemberLeasePrefix).
const Namespace = "kurator-system"

// LeaderElectionID names the controller-manager's leader Lease.
const LeaderElectionID = "kurator-controller-manager"

// Component is one process of the control plane, as both runtimes run it.
type Component struct {
	Name   string
	Binary string
	// Args may refer to Env as $(NAME), which Kubernetes expands in a
	// container and the local runtime expands from its own values.
	Args []string
	Env  []EnvVar
	// Ports are the ports the component listens on, by name.
	Ports []Port
	// Readiness and Liveness are the HTTP(S) checks of both runtimes.
	Readiness, Liveness Probe
	// Volumes are the writable or secret directories the component needs.
	Volumes []Volume
	// Resources are the container's requests and limits.
	Resources Resources
}

// EnvVar is a variable of the component's environment: a literal Value, or
// FieldPath of the pod (metadata.name, status.podIP) in a container, which
// the local runtime gives as a literal.
type EnvVar struct {
	Name      string
	Value     string
	FieldPath string
}

// Port is a named listening port.
type Port struct {
	Name string
	Port int
}

// Probe is an HTTP check of a port. HTTPS probes do not verify the serving
// certificate, as the kubelet's do not.
type Probe struct {
	Scheme string // HTTP or HTTPS
	Port   int
	Path   string
	// Period and FailureThreshold tune the container probe.
	PeriodSeconds, FailureThreshold int
}

// VolumeSource says what backs a volume in a container; the local runtime
// uses a directory of the state directory instead.
type VolumeSource string

const (
	// VolumeData is durable storage (a PersistentVolumeClaim per replica).
	VolumeData VolumeSource = "Data"
	// VolumeScratch is an emptyDir.
	VolumeScratch VolumeSource = "Scratch"
	// VolumeSecret is a Secret, read-only.
	VolumeSecret VolumeSource = "Secret"
)

// Volume is a directory the component reads or writes.
type Volume struct {
	Name      string
	MountPath string
	Source    VolumeSource
	// SecretName names the Secret of a VolumeSecret.
	SecretName string
}

// Resources are requests and limits as quantities (100m, 256Mi).
type Resources struct {
	CPURequest, MemoryRequest, CPULimit, MemoryLimit string
}
