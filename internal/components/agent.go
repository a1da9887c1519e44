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

// Names and paths of the agent's install in a member cluster
// (charts/kurator-agent).
const (
	// AgentReleaseName is the Helm release of the agent in a member.
	AgentReleaseName = "kurator-agent"
	// AgentServiceAccount is the agent's identity in the member.
	AgentServiceAccount = "kurator-agent"
	// AgentBootstrapSecret holds the bootstrap token and the control
	// plane's CA, under AgentBootstrapTokenKey and AgentBootstrapCAKey.
	AgentBootstrapSecret   = "kurator-agent-bootstrap"
	AgentBootstrapTokenKey = "token"
	AgentBootstrapCAKey    = "ca.crt"
	// AgentCredentialsSecret is where the agent keeps its key and
	// certificate, so that a new Pod keeps the cluster's identity.
	AgentCredentialsSecret = "kurator-agent-credentials"
	// AgentBootstrapDir and AgentCertDir are the container's paths of the
	// bootstrap Secret and of the agent's key and certificate.
	AgentBootstrapDir = "/etc/kurator-agent/bootstrap"
	AgentCertDir      = "/var/run/kurator-agent"
	// AgentComponentLabel is the component label of the agent's objects.
	AgentComponentLabel = "agent"
)

// agentPlaceholders are what only the agent chart's values know.
var agentPlaceholders = map[string]string{
	"__NAMESPACE__":            "{{ .Release.Namespace }}",
	"__IMAGE__":                `{{ include "kurator-agent.image" . }}`,
	"__PULL_POLICY__":          "{{ .Values.image.pullPolicy }}",
	"__CLUSTER_NAME__":         `{{ include "kurator-agent.clusterName" . }}`,
	"__CONTROL_PLANE__":        `{{ include "kurator-agent.controlPlaneAddress" . }}`,
	"__LEASE_DURATION__":       "{{ .Values.leaseDuration }}",
	"__LEASE_RENEW_INTERVAL__": "{{ .Values.leaseRenewInterval }}",
}

// HostAgent is the pull agent as a container of a member cluster: the
// member is reached in-cluster, the bootstrap Secret is mounted read-only,
// and the certificate lives in an emptyDir with a copy in the credentials
// Secret (the Pod's directory does not outlive it).
func HostAgent(cluster, controlPlane, namespace string, lease AgentLease) Component {
	return Agent(AgentConfig{
		Cluster:            cluster,
		ControlPlane:       controlPlane,
		CAFile:             AgentBootstrapDir + "/" + AgentBootstrapCAKey,
		BootstrapTokenFile: AgentBootstrapDir + "/" + AgentBootstrapTokenKey,
		CertDir:            AgentCertDir,
		CredentialsSecret:  namespace + "/" + AgentCredentialsSecret,
		HealthPort:         HostHealthPort,
		MetricsPort:        HostMetricsPort,
		LeaseDuration:      lease.Duration,
		LeaseRenewInterval: lease.RenewInterval,
		Volumes: []Volume{
			{Name: "bootstrap", MountPath: AgentBootstrapDir, Source: VolumeSecret, SecretName: AgentBootstrapSecret},
			{Name: "certs", MountPath: AgentCertDir, Source: VolumeScratch},
		},
	})
}

// AgentLease is the agent's heartbeat, as Go durations: how long the
// cluster stays Ready after a renewal, and how often the agent renews.
type AgentLease struct {
	Duration, RenewInterval string
}

// DefaultAgentLease is the agent's heartbeat unless the values say
// otherwise: renewed every 10 s, the cluster not Ready 40 s after the last
// renewal (the agent's own defaults).
func DefaultAgentLease() AgentLease {
	return AgentLease{Duration: "40s", RenewInterval: "10s"}
}

// DefaultHostAgentResources are the agent's requests and limits unless the
// values say otherwise.
func DefaultHostAgentResources() Resources {
	return Resources{CPURequest: "50m", MemoryRequest: "64Mi", CPULimit: "500m", MemoryLimit: "256Mi"}
}

// agentChartData feeds the agent chart's skeleton (agentchart.go).
type agentChartData struct {
	AppVersion string
	Agent      workloadParts
	Lease      AgentLease
	Res        Resources
}

// Names the skeleton refers to, from the constants the description uses.
func (agentChartData) Name() string              { return AgentName }
func (agentChartData) ServiceAccount() string    { return AgentServiceAccount }
func (agentChartData) BootstrapSecret() string   { return AgentBootstrapSecret }
func (agentChartData) TokenKey() string          { return AgentBootstrapTokenKey }
func (agentChartData) CAKey() string             { return AgentBootstrapCAKey }
func (agentChartData) CredentialsSecret() string { return AgentCredentialsSecret }
func (agentChartData) ComponentLabel() string    { return AgentComponentLabel }

// AgentChart renders the Helm chart of a member's pull agent: its
// container from the agent's description (HostAgent), what only an install
// knows (cluster, control plane, token, image, lease) as values.
func AgentChart(appVersion string) (map[string][]byte, error) {
	agent := HostAgent("__CLUSTER_NAME__", "__CONTROL_PLANE__", "__NAMESPACE__",
		AgentLease{Duration: "__LEASE_DURATION__", RenewInterval: "__LEASE_RENEW_INTERVAL__"})
	parts, err := renderParts(agent, 6)
	if err != nil {
		return nil, err
	}
	data := agentChartData{AppVersion: appVersion, Agent: parts, Lease: DefaultAgentLease(), Res: DefaultHostAgentResources()}
	return renderChart(agentChartFiles, data, agentPlaceholders)
}

// WriteAgentChart replaces dir with the chart AgentChart renders.
func WriteAgentChart(dir, appVersion string) error {
	files, err := AgentChart(appVersion)
	if err != nil {
		return err
	}
	return writeChart(dir, files)
}
