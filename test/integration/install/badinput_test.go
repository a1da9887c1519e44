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

package install_test

import (
	"bytes"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	. "github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
	"sigs.k8s.io/yaml"

	"kurator.dev/kurator/internal/cli"
	"kurator.dev/kurator/internal/install"
)

// hostKubeconfigWith writes a copy of the host's kubeconfig changed by edit.
func hostKubeconfigWith(t *testing.T, edit func(*clientcmdapi.Config)) string {
	cfg, err := clientcmd.LoadFromFile(hostKubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	edit(cfg)
	path := filepath.Join(t.TempDir(), "host.kubeconfig")
	if err := clientcmd.WriteToFile(*cfg, path); err != nil {
		t.Fatal(err)
	}
	return path
}

// expectNothingIn: a failed install created neither the namespace nor a
// release.
func expectNothingIn(g Gomega, t *testing.T, ns string) {
	_, err := host.CoreV1().Namespaces().Get(t.Context(), ns, metav1.GetOptions{})
	g.Expect(err).To(MatchError(ContainSubstring("not found")), "namespace %s", ns)
}

func TestUnreachableHostIsNamed(t *testing.T) {
	g := NewWithT(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	g.Expect(err).NotTo(HaveOccurred())
	closed := "https://" + l.Addr().String()
	g.Expect(l.Close()).To(Succeed())
	o := installOptions(t)
	o.Namespace = "kurator-unreachable"
	o.Kubeconfig = hostKubeconfigWith(t, func(c *clientcmdapi.Config) {
		for _, cluster := range c.Clusters {
			cluster.Server = closed
		}
	})
	_, err = install.Install(t.Context(), o)
	g.Expect(err).To(MatchError(ContainSubstring("cannot reach the host cluster at " + closed)))
	expectNothingIn(g, t, o.Namespace)
}

func TestEvenReplicasAreRefused(t *testing.T) {
	g := NewWithT(t)
	o := installOptions(t)
	o.Namespace, o.Replicas = "kurator-even", 4
	_, err := install.Install(t.Context(), o)
	g.Expect(err).To(MatchError(ContainSubstring("controlPlane.replicas must be odd")))
	expectNothingIn(g, t, o.Namespace)

	var stderr bytes.Buffer
	code := cli.ExecuteContext(t.Context(), "kurator", []string{"install", "--kubeconfig", hostKubeconfig, "--replicas", "2", "-n", o.Namespace},
		genericiooptions.IOStreams{In: strings.NewReader(""), Out: &bytes.Buffer{}, ErrOut: &stderr})
	g.Expect(code).To(Equal(2))
	g.Expect(stderr.String()).To(ContainSubstring("--replicas must be odd"))
	expectNothingIn(g, t, o.Namespace)
}

// A user the host grants nothing is told every permission the install
// needs, before anything is created.
func TestMissingPermissionsAreListed(t *testing.T) {
	g := NewWithT(t)
	o := installOptions(t)
	o.Namespace = "kurator-forbidden"
	o.Kubeconfig = hostKubeconfigWith(t, func(c *clientcmdapi.Config) {
		for _, user := range c.AuthInfos {
			user.Impersonate = "nobody"
		}
	})
	_, err := install.Install(t.Context(), o)
	g.Expect(err).To(MatchError(And(
		ContainSubstring("missing permissions on the host cluster"),
		ContainSubstring("create namespaces"),
		ContainSubstring("create statefulsets.apps"),
		ContainSubstring("create poddisruptionbudgets.policy"),
	)))
	expectNothingIn(g, t, o.Namespace)
}

// --dry-run creates nothing and prints what 'helm template' renders from
// the same values, object for object; the CLI prints the same objects.
func TestDryRunEqualsHelmTemplate(t *testing.T) {
	g := NewWithT(t)
	o := installOptions(t)
	o.Namespace, o.DryRun = "kurator-dry", true
	o.Replicas, o.ServiceType = 5, "LoadBalancer"
	o.Set = []string{"priorityClassName=system-cluster-critical"}
	res, err := install.Install(t.Context(), o)
	g.Expect(err).NotTo(HaveOccurred())
	expectNothingIn(g, t, o.Namespace)
	template, err := install.Template(o.Namespace, res.Values)
	g.Expect(err).NotTo(HaveOccurred())
	printed := objects(g, res.Manifest)
	g.Expect(printed).To(Equal(objects(g, template)))
	g.Expect(printed).To(HaveKey("StatefulSet/kurator"))
	g.Expect(printed).To(HaveKey("Secret/kurator-pki"))
	g.Expect(printed).To(HaveLen(11))

	var stdout bytes.Buffer
	code := cli.ExecuteContext(t.Context(), "kurator", []string{"install", "center-manager", "--kubeconfig", hostKubeconfig,
		"-n", o.Namespace, "--replicas", "5", "--service-type", "LoadBalancer", "--set", "priorityClassName=system-cluster-critical",
		"--storage-class", storageClass, "--storage-size", "1Gi", "--dry-run", "-o", "yaml"},
		genericiooptions.IOStreams{In: strings.NewReader(""), Out: &stdout, ErrOut: os.Stderr})
	g.Expect(code).To(Equal(0))
	// The CLI generated certificates of its own; every other byte is equal.
	g.Expect(withoutSecretData(objects(g, stdout.String()))).To(Equal(withoutSecretData(printed)))
	expectNothingIn(g, t, o.Namespace)
}

// objects parses a multi-document manifest by kind/name.
func objects(g Gomega, manifest string) map[string]map[string]any {
	out := map[string]map[string]any{}
	for _, doc := range strings.Split(manifest, "\n---") {
		var obj map[string]any
		g.Expect(yaml.Unmarshal([]byte(doc), &obj)).To(Succeed())
		if len(obj) == 0 {
			continue
		}
		meta, _ := obj["metadata"].(map[string]any)
		out[obj["kind"].(string)+"/"+meta["name"].(string)] = obj
	}
	return out
}

func withoutSecretData(objs map[string]map[string]any) map[string]map[string]any {
	for key, obj := range objs {
		if strings.HasPrefix(key, "Secret/") {
			delete(obj, "data")
		}
	}
	return objs
}
