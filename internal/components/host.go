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

package components

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"text/template"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/yaml"

	"kurator.dev/kurator/internal/localcluster"
)

// Names of the objects a host install creates in its namespace.
const (
	PeersServiceName                  = "kurator-peers"
	ControllerManagerKubeconfigSecret = "kurator-controller-manager-kubeconfig"
	ControllerManagerMetricsService   = "kurator-controller-manager-metrics"
	// HostDataDir, HostPKIDir and the ports are where a control-plane
	// container keeps its state and listens.
	HostDataDir        = "/var/lib/kurator"
	HostPKIDir         = "/etc/kurator/pki"
	HostAPIServerPort  = 6443
	HostEtcdClientPort = 2379
	HostEtcdPeerPort   = 2380
	HostHealthPort     = 8081
	HostMetricsPort    = 8080
	hostKubeconfigDir  = "/etc/kurator/controller-manager"
	hostKubeconfigKey  = "kubeconfig"
	hostImageBinDir    = "/usr/local/bin/"
)

// Component values of the pod, as labels and workload names.
const (
	ControlPlaneComponentLabel      = "control-plane"
	ControllerManagerComponentLabel = "controller-manager"
)

// HostEnv is the pod's own name and address, which a container's arguments
// refer to as $(POD_NAME) and $(POD_IP). The local runtime has no pod and
// ignores them.
func HostEnv() []EnvVar {
	return []EnvVar{{Name: "POD_NAME", FieldPath: "metadata.name"}, {Name: "POD_IP", FieldPath: "status.podIP"}}
}

// Placeholders stand in the description for what only Helm knows; the
// renderer turns them into template expressions after the YAML is written.
var hostPlaceholders = map[string]string{
	"__NAMESPACE__":       "{{ .Release.Namespace }}",
	"__INITIAL_CLUSTER__": `{{ include "kurator.initialCluster" . }}`,
	"__IMAGE__":           `{{ include "kurator.image" . }}`,
	"__PULL_POLICY__":     "{{ .Values.image.pullPolicy }}",
	"__LEASE_DURATION__":  "{{ .Values.controllerManager.leaseDuration }}",
	"__RENEW_DEADLINE__":  "{{ .Values.controllerManager.renewDeadline }}",
	"__RETRY_PERIOD__":    "{{ .Values.controllerManager.retryPeriod }}",
}

// HostControlPlaneConfig is the Config of a control-plane replica in a
// host cluster's StatefulSet; namespace and initialCluster may be
// placeholders.
func HostControlPlaneConfig(namespace, initialCluster string) localcluster.Config {
	return localcluster.Config{
		Name:             "$(POD_NAME)",
		Role:             localcluster.RoleControlPlane,
		DataDir:          HostDataDir,
		PKIDir:           HostPKIDir,
		APIServerPort:    HostAPIServerPort,
		EtcdClientPort:   HostEtcdClientPort,
		EtcdPeerPort:     HostEtcdPeerPort,
		BindAddress:      "0.0.0.0",
		AdvertiseAddress: "$(POD_IP)",
		Etcd: localcluster.EtcdCluster{
			InitialCluster:   initialCluster,
			AdvertisePeerURL: PeerURL("$(POD_NAME)", namespace),
			PeerTLS:          true,
		},
	}
}

// PeerURL is the etcd peer URL of a replica (a pod of the StatefulSet).
func PeerURL(pod, namespace string) string {
	return fmt.Sprintf("https://%s.%s.%s.svc:%d", pod, PeersServiceName, namespace, HostEtcdPeerPort)
}

// HostControlPlane is the control-plane component of a host cluster.
func HostControlPlane(namespace, initialCluster string) Component {
	c := ControlPlane(HostControlPlaneConfig(namespace, initialCluster), Resources{})
	c.Env = append(HostEnv(), c.Env...)
	return c
}

// HostControllerManager is the controller-manager component of a host
// cluster, with the given lease timings (or placeholders).
func HostControllerManager(lease LeaseTimings) Component {
	c := ControllerManager(ControllerManagerConfig{
		Kubeconfig:  hostKubeconfigDir + "/" + hostKubeconfigKey,
		HealthPort:  HostHealthPort,
		MetricsPort: HostMetricsPort,
		LeaderElect: true,
		Identity:    "$(POD_NAME)",
		Lease:       lease,
		InstallAPIs: true,
		Volumes: []Volume{{Name: "kubeconfig", MountPath: hostKubeconfigDir, Source: VolumeSecret,
			SecretName: ControllerManagerKubeconfigSecret}},
	})
	c.Env = append(HostEnv(), c.Env...)
	return c
}

// container renders a component as a container, resources aside (they
// come from the chart's values).
func container(c Component) corev1.Container {
	ctr := corev1.Container{
		Name:            c.Name,
		Image:           "__IMAGE__",
		ImagePullPolicy: "__PULL_POLICY__",
		Command:         []string{hostImageBinDir + c.Binary},
		Args:            c.Args,
		ReadinessProbe:  probe(c.Readiness),
		LivenessProbe:   probe(c.Liveness),
		SecurityContext: &corev1.SecurityContext{
			ReadOnlyRootFilesystem:   ptr.To(true),
			AllowPrivilegeEscalation: ptr.To(false),
			Capabilities:             &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
		},
	}
	for _, e := range c.Env {
		v := corev1.EnvVar{Name: e.Name, Value: e.Value}
		if e.FieldPath != "" {
			v = corev1.EnvVar{Name: e.Name, ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: e.FieldPath}}}
		}
		ctr.Env = append(ctr.Env, v)
	}
	for _, p := range c.Ports {
		ctr.Ports = append(ctr.Ports, corev1.ContainerPort{Name: p.Name, ContainerPort: int32(p.Port)})
	}
	for _, v := range c.Volumes {
		ctr.VolumeMounts = append(ctr.VolumeMounts, corev1.VolumeMount{Name: v.Name, MountPath: v.MountPath, ReadOnly: v.Source == VolumeSecret})
	}
	return ctr
}

func probe(p Probe) *corev1.Probe {
	return &corev1.Probe{
		ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{
			Path: p.Path, Port: intstr.FromInt32(int32(p.Port)), Scheme: corev1.URIScheme(p.Scheme),
		}},
		PeriodSeconds:    int32(p.PeriodSeconds),
		FailureThreshold: int32(p.FailureThreshold),
	}
}

// podVolumes renders the volumes of a component other than its durable
// data, which a StatefulSet's claim template provides.
func podVolumes(c Component) []corev1.Volume {
	var out []corev1.Volume
	for _, v := range c.Volumes {
		switch v.Source {
		case VolumeScratch:
			out = append(out, corev1.Volume{Name: v.Name, VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}})
		case VolumeSecret:
			out = append(out, corev1.Volume{Name: v.Name, VolumeSource: corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{
				SecretName: v.SecretName, DefaultMode: ptr.To[int32](0o440)}}})
		}
	}
	return out
}

// toIndentedYAML marshals v and indents every line by n spaces.
func toIndentedYAML(v any, n int) (string, error) {
	data, err := yaml.Marshal(v)
	if err != nil {
		return "", err
	}
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	pad := strings.Repeat(" ", n)
	for i := range lines {
		lines[i] = pad + lines[i]
	}
	return strings.Join(lines, "\n"), nil
}

// workloadParts is what a workload template takes from a component.
type workloadParts struct {
	Container, Volumes string
}

func renderParts(c Component, depth int) (workloadParts, error) {
	// The typed container would render empty resources, which the chart
	// takes from its values instead.
	data, err := yaml.Marshal(container(c))
	if err != nil {
		return workloadParts{}, fmt.Errorf("render the container of %s: %w", c.Name, err)
	}
	var fields map[string]any
	if err := yaml.Unmarshal(data, &fields); err != nil {
		return workloadParts{}, fmt.Errorf("render the container of %s: %w", c.Name, err)
	}
	delete(fields, "resources")
	ctr, err := toIndentedYAML([]any{fields}, depth)
	if err != nil {
		return workloadParts{}, fmt.Errorf("render the container of %s: %w", c.Name, err)
	}
	vols, err := toIndentedYAML(podVolumes(c), depth)
	if err != nil {
		return workloadParts{}, fmt.Errorf("render the volumes of %s: %w", c.Name, err)
	}
	return workloadParts{Container: ctr, Volumes: vols}, nil
}

// HostChart renders the Helm chart of a host install: file paths relative
// to the chart's directory and their content. The workloads' containers are
// rendered from the component descriptions; what only an install knows
// (namespace, replicas, image, lease timings) becomes template expressions.
func HostChart(appVersion string) (map[string][]byte, error) {
	controlPlane := HostControlPlane("__NAMESPACE__", "__INITIAL_CLUSTER__")
	cp, err := renderParts(controlPlane, 6)
	if err != nil {
		return nil, err
	}
	var dataVolumes []string
	for _, v := range controlPlane.Volumes {
		if v.Source == VolumeData {
			dataVolumes = append(dataVolumes, v.Name)
		}
	}
	if len(dataVolumes) != 1 {
		return nil, fmt.Errorf("the control plane has %d data volumes, the chart's StatefulSet claims exactly one", len(dataVolumes))
	}
	cm, err := renderParts(HostControllerManager(LeaseTimings{
		Duration: "__LEASE_DURATION__", RenewDeadline: "__RENEW_DEADLINE__", RetryPeriod: "__RETRY_PERIOD__"}), 6)
	if err != nil {
		return nil, err
	}
	data := chartData{
		AppVersion:        appVersion,
		ControlPlane:      cp,
		ControllerManager: cm,
		Lease:             DefaultLeaseTimings(),
		ControlPlaneRes:   DefaultHostControlPlaneResources(),
		ControllerRes:     DefaultHostControllerManagerResources(),
		DataVolume:        dataVolumes[0],
	}
	return renderChart(chartFiles, data, hostPlaceholders)
}

// renderChart executes a chart's skeleton (Go templates with [[ ]]
// delimiters) with data, then turns the description's placeholders into
// Helm's template expressions.
func renderChart(skeleton map[string]string, data any, placeholders map[string]string) (map[string][]byte, error) {
	out := map[string][]byte{}
	for path, text := range skeleton {
		tmpl, err := template.New(path).Delims("[[", "]]").Parse(text)
		if err != nil {
			return nil, fmt.Errorf("parse the chart's %s: %w", path, err)
		}
		var buf bytes.Buffer
		if err := tmpl.Execute(&buf, data); err != nil {
			return nil, fmt.Errorf("render the chart's %s: %w", path, err)
		}
		s := buf.String()
		for placeholder, expr := range placeholders {
			s = strings.ReplaceAll(s, placeholder, expr)
		}
		out[path] = []byte(s)
	}
	return out, nil
}

// DefaultHostControlPlaneResources are a control-plane replica's requests
// and limits unless the values say otherwise.
func DefaultHostControlPlaneResources() Resources {
	return Resources{CPURequest: "500m", MemoryRequest: "1Gi", CPULimit: "2", MemoryLimit: "2Gi"}
}

// DefaultHostControllerManagerResources are a controller-manager's.
func DefaultHostControllerManagerResources() Resources {
	return Resources{CPURequest: "100m", MemoryRequest: "256Mi", CPULimit: "1", MemoryLimit: "1Gi"}
}

// chartData feeds the chart's skeleton (hostchart.go).
type chartData struct {
	AppVersion                      string
	ControlPlane, ControllerManager workloadParts
	Lease                           LeaseTimings
	ControlPlaneRes, ControllerRes  Resources
	// DataVolume names the claim template: the control plane's Data volume.
	DataVolume string
}

// Names and ports the skeleton refers to, from the constants the
// descriptions use.
func (chartData) ControlPlaneName() string       { return ControlPlaneName }
func (chartData) ControllerManagerName() string  { return ControllerManagerName }
func (chartData) ControlPlaneLabel() string      { return ControlPlaneComponentLabel }
func (chartData) ControllerManagerLabel() string { return ControllerManagerComponentLabel }
func (chartData) PeersService() string           { return PeersServiceName }
func (chartData) MetricsService() string         { return ControllerManagerMetricsService }
func (chartData) PKISecret() string              { return PKISecretName }
func (chartData) KubeconfigSecret() string       { return ControllerManagerKubeconfigSecret }
func (chartData) KubeconfigKey() string          { return hostKubeconfigKey }
func (chartData) PeerPort() int                  { return HostEtcdPeerPort }
func (chartData) APIServerPort() int             { return HostAPIServerPort }
func (chartData) MetricsPort() int               { return HostMetricsPort }

// ChartAppVersion is the appVersion of the chart in the repository. It is
// fixed so that the generated chart does not change with every commit;
// kurator install sets the image tag to its own version.
const ChartAppVersion = "v0.1.0-dev"

// WriteHostChart replaces dir with the chart HostChart renders.
func WriteHostChart(dir, appVersion string) error {
	files, err := HostChart(appVersion)
	if err != nil {
		return err
	}
	return writeChart(dir, files)
}

// writeChart replaces dir with a rendered chart's files.
func writeChart(dir string, files map[string][]byte) error {
	if err := os.RemoveAll(dir); err != nil {
		return fmt.Errorf("remove the old chart: %w", err)
	}
	for path, content := range files {
		full := filepath.Join(dir, path)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(full, content, 0o644); err != nil {
			return fmt.Errorf("write the chart's %s: %w", path, err)
		}
	}
	return nil
}
