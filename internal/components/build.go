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
	"net"
	"slices"
	"strconv"

	"kurator.dev/kurator/internal/localcluster"
)

// ControlPlane describes one replica of the control plane. Its arguments are
// the command-line form of c (localcluster.Config.Args), so the same Config
// starts a local process and a container.
func ControlPlane(c localcluster.Config, res Resources) Component {
	return Component{
		Name:   ControlPlaneName,
		Binary: ClusterBinary,
		Args:   c.Args(),
		// The control plane serves every Kurator write; under a burst a tenth
		// of its CPU went to garbage collection, so it collects less often
		// and may use more memory.
		Env:   []EnvVar{{Name: "GOMEMLIMIT", Value: "900MiB"}, {Name: "GOGC", Value: "200"}},
		Ports: []Port{{Name: "https", Port: c.APIServerPort}, {Name: "etcd-peer", Port: c.EtcdPeerPort}},
		// /readyz includes etcd: a replica whose member has lost its quorum
		// stops receiving requests.
		Readiness: Probe{Scheme: "HTTPS", Port: c.APIServerPort, Path: "/readyz", PeriodSeconds: 5, FailureThreshold: 3},
		Liveness:  Probe{Scheme: "HTTPS", Port: c.APIServerPort, Path: "/livez", PeriodSeconds: 10, FailureThreshold: 12},
		Volumes: []Volume{
			{Name: "data", MountPath: c.DataDir, Source: VolumeData},
			{Name: "pki", MountPath: c.PKIDir, Source: VolumeSecret, SecretName: PKISecretName},
			{Name: "tmp", MountPath: "/tmp", Source: VolumeScratch},
		},
		Resources: res,
	}
}

// LeaseTimings are the controller-manager's leader-election durations, as
// Go durations (15s).
type LeaseTimings struct {
	Duration, RenewDeadline, RetryPeriod string
}

// DefaultLeaseTimings fail over within about 15 s of a leader's death, where
// Kubernetes' 60/45/5 s would take a minute.
func DefaultLeaseTimings() LeaseTimings {
	return LeaseTimings{Duration: "15s", RenewDeadline: "10s", RetryPeriod: "2s"}
}

// ControllerManagerConfig is what differs between the runtimes' controller-managers.
type ControllerManagerConfig struct {
	// Kubeconfig reaches the control plane (through its balancer or Service).
	Kubeconfig string
	// Host is the listen address of the probe and metrics ports; empty
	// means every interface (a container).
	Host string
	// HealthPort serves /healthz and /readyz; MetricsPort serves /metrics
	// (0: off).
	HealthPort, MetricsPort int
	// LeaderElect makes several replicas safe; Identity names this one in
	// the Lease.
	LeaderElect bool
	Identity    string
	Lease       LeaseTimings
	// PrometheusURL is where workload metrics are read; empty: none.
	PrometheusURL string
	// InstallAPIs has the controller-manager apply the control plane's
	// APIs at start (an installed control plane).
	InstallAPIs bool
	Resources   Resources
	// Volumes hold the kubeconfig in a container.
	Volumes []Volume
}

// ControllerManager describes one replica of the controller-manager.
func ControllerManager(o ControllerManagerConfig) Component {
	endpoints, ports := servingArgs(o.Host, o.HealthPort, o.MetricsPort)
	args := append([]string{"--kubeconfig=" + o.Kubeconfig}, endpoints...)
	if o.LeaderElect {
		args = append(args,
			"--leader-elect=true",
			"--leader-elect-identity="+o.Identity,
			"--leader-elect-lease-duration="+o.Lease.Duration,
			"--leader-elect-renew-deadline="+o.Lease.RenewDeadline,
			"--leader-elect-retry-period="+o.Lease.RetryPeriod,
		)
	}
	if o.PrometheusURL != "" {
		args = append(args, "--prometheus-url="+o.PrometheusURL)
	}
	if o.InstallAPIs {
		args = append(args, "--install-apis=true")
	}
	return Component{
		Name:      ControllerManagerName,
		Binary:    ControllerManagerBinary,
		Args:      args,
		Ports:     ports,
		Readiness: Probe{Scheme: "HTTP", Port: o.HealthPort, Path: "/readyz", PeriodSeconds: 5, FailureThreshold: 3},
		Liveness:  Probe{Scheme: "HTTP", Port: o.HealthPort, Path: "/healthz", PeriodSeconds: 10, FailureThreshold: 6},
		Volumes:   append([]Volume{{Name: "tmp", MountPath: "/tmp", Source: VolumeScratch}}, o.Volumes...),
		Resources: o.Resources,
	}
}

// PKISecretName holds the control plane's certificates in a host cluster.
const PKISecretName = "kurator-pki"

// AgentBinary is the pull agent's executable.
const AgentBinary = "kurator-agent"

// AgentName names the pull agent's component.
const AgentName = "kurator-agent"

// AgentConfig is what differs between the runtimes' pull agents.
type AgentConfig struct {
	// Cluster is the member the agent serves.
	Cluster string
	// ControlPlane is the control plane's address, https://host:port;
	// CAFile verifies it.
	ControlPlane, CAFile string
	// BootstrapTokenFile holds the register-only credential; CertDir the
	// agent's key and certificate.
	BootstrapTokenFile, CertDir string
	// CredentialsSecret, namespace/name in the member, keeps a copy of the
	// credentials (a container, whose CertDir does not outlive its Pod).
	CredentialsSecret string
	// Kubeconfig reaches the member; empty means in-cluster.
	Kubeconfig string
	// Host is the listen address of the probe and metrics ports; empty
	// means every interface.
	Host                    string
	HealthPort, MetricsPort int
	// LeaseDuration and LeaseRenewInterval are Go durations; empty takes
	// the agent's defaults (40s, 10s).
	LeaseDuration, LeaseRenewInterval string
	// APIEnablementsRefresh is a Go duration; empty takes the agent's 1m.
	APIEnablementsRefresh string
	// CertificateDuration and RenewBefore are Go durations; empty takes
	// the agent's defaults.
	CertificateDuration, RenewBefore string
	Resources                        Resources
	Volumes                          []Volume
}

// servingArgs are the flags and ports of a controller-runtime process's
// health endpoint and, unless metricsPort is 0, its metrics endpoint.
func servingArgs(host string, healthPort, metricsPort int) ([]string, []Port) {
	args := []string{"--health-probe-bind-address=" + net.JoinHostPort(host, strconv.Itoa(healthPort))}
	ports := []Port{{Name: "health", Port: healthPort}}
	if metricsPort == 0 {
		return append(args, "--metrics-bind-address=0"), ports
	}
	args = append(args, "--metrics-bind-address="+net.JoinHostPort(host, strconv.Itoa(metricsPort)))
	return args, append(ports, Port{Name: "metrics", Port: metricsPort})
}

// Agent describes the pull agent of one member.
func Agent(o AgentConfig) Component {
	args := []string{
		"--cluster-name=" + o.Cluster,
		"--control-plane=" + o.ControlPlane,
		"--control-plane-ca-file=" + o.CAFile,
		"--bootstrap-token-file=" + o.BootstrapTokenFile,
		"--cert-dir=" + o.CertDir,
	}
	endpoints, ports := servingArgs(o.Host, o.HealthPort, o.MetricsPort)
	args = append(args, endpoints...)
	for flag, value := range map[string]string{
		"--credentials-secret": o.CredentialsSecret, "--kubeconfig": o.Kubeconfig,
		"--cluster-lease-duration": o.LeaseDuration, "--cluster-lease-renew-interval": o.LeaseRenewInterval,
		"--certificate-duration": o.CertificateDuration, "--certificate-renew-before": o.RenewBefore,
		"--cluster-api-enablements-refresh": o.APIEnablementsRefresh,
	} {
		if value != "" {
			args = append(args, flag+"="+value)
		}
	}
	slices.Sort(args[6:])
	return Component{
		Name:      AgentName,
		Binary:    AgentBinary,
		Args:      args,
		Ports:     ports,
		Readiness: Probe{Scheme: "HTTP", Port: o.HealthPort, Path: "/readyz", PeriodSeconds: 5, FailureThreshold: 3},
		Liveness:  Probe{Scheme: "HTTP", Port: o.HealthPort, Path: "/healthz", PeriodSeconds: 10, FailureThreshold: 6},
		Volumes:   append([]Volume{{Name: "tmp", MountPath: "/tmp", Source: VolumeScratch}}, o.Volumes...),
		Resources: o.Resources,
	}
}
