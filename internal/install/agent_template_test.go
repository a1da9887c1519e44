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

package install

import (
	"strings"
	"testing"

	. "github.com/onsi/gomega"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/yaml"

	"kurator.dev/kurator/internal/components"
)

const testCA = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"

func agentValues() map[string]any {
	return map[string]any{
		"clusterName":    "edge-1",
		"controlPlane":   map[string]any{"address": "https://kurator.example.com:6443", "caBundle": testCA},
		"bootstrapToken": "abcdef.0123456789abcdef",
	}
}

// agentObjects renders the agent chart and returns its objects by kind.
func agentObjects(g Gomega, values map[string]any) map[string][]string {
	manifest, err := TemplateAgent("kurator-system", values)
	g.Expect(err).NotTo(HaveOccurred())
	byKind := map[string][]string{}
	for _, doc := range strings.Split(manifest, "\n---\n") {
		var meta struct{ Kind string }
		g.Expect(yaml.Unmarshal([]byte(doc), &meta)).To(Succeed())
		if meta.Kind != "" {
			byKind[meta.Kind] = append(byKind[meta.Kind], doc)
		}
	}
	return byKind
}

// The agent runs as one Pod that never overlaps another, hardened, with
// exactly the arguments of the agent's description.
func TestAgentChartDeployment(t *testing.T) {
	g := NewWithT(t)
	objects := agentObjects(g, agentValues())
	g.Expect(objects["Deployment"]).To(HaveLen(1))
	var d appsv1.Deployment
	g.Expect(yaml.Unmarshal([]byte(objects["Deployment"][0]), &d)).To(Succeed())
	g.Expect(d.Name).To(Equal(components.AgentName))
	g.Expect(d.Spec.Replicas).To(Equal(ptr.To[int32](1)))
	g.Expect(d.Spec.Strategy.Type).To(Equal(appsv1.RecreateDeploymentStrategyType))
	spec := d.Spec.Template.Spec
	g.Expect(spec.ServiceAccountName).To(Equal(components.AgentServiceAccount))
	g.Expect(spec.AutomountServiceAccountToken).To(Equal(ptr.To(true)), "the agent reaches its member in-cluster")
	g.Expect(spec.SecurityContext.RunAsNonRoot).To(Equal(ptr.To(true)))
	g.Expect(spec.SecurityContext.RunAsUser).To(Equal(ptr.To[int64](65532)))
	g.Expect(spec.SecurityContext.SeccompProfile.Type).To(Equal(corev1.SeccompProfileTypeRuntimeDefault))
	g.Expect(spec.PriorityClassName).To(BeEmpty())
	g.Expect(spec.Containers).To(HaveLen(1))
	c := spec.Containers[0]
	g.Expect(c.Image).To(Equal("ghcr.io/kurator-dev/kurator:" + components.ChartAppVersion))
	g.Expect(c.SecurityContext.ReadOnlyRootFilesystem).To(Equal(ptr.To(true)))
	g.Expect(c.SecurityContext.AllowPrivilegeEscalation).To(Equal(ptr.To(false)))
	g.Expect(c.Resources.Requests.Cpu().String()).To(Equal("50m"))
	g.Expect(c.Resources.Limits.Memory().String()).To(Equal("256Mi"))
	g.Expect(c.ReadinessProbe.HTTPGet.Path).To(Equal("/readyz"))
	g.Expect(c.LivenessProbe.HTTPGet.Path).To(Equal("/healthz"))
	want := components.HostAgent("edge-1", "https://kurator.example.com:6443", "kurator-system", components.DefaultAgentLease()).Args
	g.Expect(c.Args).To(Equal(want))
	g.Expect(c.Args).To(ContainElements("--cluster-lease-duration=40s", "--cluster-lease-renew-interval=10s",
		"--credentials-secret=kurator-system/kurator-agent-credentials", "--cert-dir=/var/run/kurator-agent"))

	mounts := map[string]corev1.VolumeMount{}
	for _, m := range c.VolumeMounts {
		mounts[m.Name] = m
	}
	g.Expect(mounts["bootstrap"].ReadOnly).To(BeTrue())
	g.Expect(mounts["bootstrap"].MountPath).To(Equal(components.AgentBootstrapDir))
	g.Expect(mounts["certs"].MountPath).To(Equal(components.AgentCertDir))
	volumes := map[string]corev1.VolumeSource{}
	for _, v := range spec.Volumes {
		volumes[v.Name] = v.VolumeSource
	}
	g.Expect(volumes["bootstrap"].Secret.SecretName).To(Equal(components.AgentBootstrapSecret))
	g.Expect(volumes["certs"].EmptyDir).NotTo(BeNil())
	g.Expect(volumes["tmp"].EmptyDir).NotTo(BeNil())
}

// The values reach the objects: the token and CA in the bootstrap Secret,
// the lease and priority class in the Deployment.
func TestAgentChartValues(t *testing.T) {
	g := NewWithT(t)
	values := agentValues()
	values["leaseDuration"], values["leaseRenewInterval"], values["priorityClassName"] = "20s", "5s", "system-cluster-critical"
	values["image"] = ImageValues("registry.local:5000/kurator:v9")
	objects := agentObjects(g, values)

	var secret corev1.Secret
	g.Expect(yaml.Unmarshal([]byte(objects["Secret"][0]), &secret)).To(Succeed())
	g.Expect(secret.Name).To(Equal(components.AgentBootstrapSecret))
	g.Expect(secret.StringData[components.AgentBootstrapTokenKey]).To(Equal("abcdef.0123456789abcdef"))
	g.Expect(secret.StringData[components.AgentBootstrapCAKey]).To(Equal(testCA))

	var d appsv1.Deployment
	g.Expect(yaml.Unmarshal([]byte(objects["Deployment"][0]), &d)).To(Succeed())
	g.Expect(d.Spec.Template.Spec.PriorityClassName).To(Equal("system-cluster-critical"))
	g.Expect(d.Spec.Template.Spec.Containers[0].Image).To(Equal("registry.local:5000/kurator:v9"))
	g.Expect(d.Spec.Template.Spec.Containers[0].Args).To(ContainElements("--cluster-lease-duration=20s", "--cluster-lease-renew-interval=5s"))
}

// The member grants its agent everything (it applies arbitrary manifests)
// and, apart from that, its credentials Secret.
func TestAgentChartRBAC(t *testing.T) {
	g := NewWithT(t)
	objects := agentObjects(g, agentValues())
	var role rbacv1.ClusterRole
	g.Expect(yaml.Unmarshal([]byte(objects["ClusterRole"][0]), &role)).To(Succeed())
	g.Expect(role.Rules).To(ContainElement(rbacv1.PolicyRule{APIGroups: []string{"*"}, Resources: []string{"*"}, Verbs: []string{"*"}}))
	var binding rbacv1.ClusterRoleBinding
	g.Expect(yaml.Unmarshal([]byte(objects["ClusterRoleBinding"][0]), &binding)).To(Succeed())
	g.Expect(binding.Subjects).To(ConsistOf(rbacv1.Subject{Kind: "ServiceAccount", Name: components.AgentServiceAccount, Namespace: "kurator-system"}))
	var creds rbacv1.Role
	g.Expect(yaml.Unmarshal([]byte(objects["Role"][0]), &creds)).To(Succeed())
	g.Expect(creds.Rules).To(ContainElement(rbacv1.PolicyRule{APIGroups: []string{""}, Resources: []string{"secrets"},
		ResourceNames: []string{components.AgentCredentialsSecret}, Verbs: []string{"get", "update"}}))
	g.Expect(objects["RoleBinding"]).To(HaveLen(1))
	var sa corev1.ServiceAccount
	g.Expect(yaml.Unmarshal([]byte(objects["ServiceAccount"][0]), &sa)).To(Succeed())
	g.Expect(sa.AutomountServiceAccountToken).To(Equal(ptr.To(true)))
}

// Each required value is refused, by name, when missing or malformed.
func TestAgentChartRefusesIncompleteValues(t *testing.T) {
	for name, tc := range map[string]struct {
		change func(map[string]any)
		want   string
	}{
		"no cluster name":  {func(v map[string]any) { delete(v, "clusterName") }, "clusterName is required"},
		"bad cluster name": {func(v map[string]any) { v["clusterName"] = "Edge_1" }, `clusterName "Edge_1" must be a DNS label`},
		"no address":       {func(v map[string]any) { v["controlPlane"] = map[string]any{"caBundle": testCA} }, "controlPlane.address is required"},
		"http address": {func(v map[string]any) {
			v["controlPlane"] = map[string]any{"address": "http://cp:6443", "caBundle": testCA}
		}, `controlPlane.address "http://cp:6443" is not`},
		"address with path": {func(v map[string]any) {
			v["controlPlane"] = map[string]any{"address": "https://cp:6443/k8s", "caBundle": testCA}
		}, "is not the control plane's address"},
		"no CA": {func(v map[string]any) { v["controlPlane"] = map[string]any{"address": "https://cp:6443"} }, "controlPlane.caBundle is required"},
		"CA not PEM": {func(v map[string]any) {
			v["controlPlane"] = map[string]any{"address": "https://cp:6443", "caBundle": "abc"}
		}, "controlPlane.caBundle is required"},
		"no token": {func(v map[string]any) { delete(v, "bootstrapToken") }, "bootstrapToken is required on a first install"},
	} {
		t.Run(name, func(t *testing.T) {
			g := NewWithT(t)
			values := agentValues()
			tc.change(values)
			_, err := TemplateAgent("kurator-system", values)
			g.Expect(err).To(MatchError(ContainSubstring(tc.want)))
		})
	}
}
