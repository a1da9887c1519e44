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
package membercluster

import (
	"context"
	"errors"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
)

const (
	secretToken = "s3cr3t-bearer-token-do-not-print"
	secretKey   = "s3cr3t-client-key-material"
)

func testKubeconfig(server string) []byte {
	return []byte(`apiVersion: v1
kind: Config
current-context: c
clusters:
- name: c
  cluster:
    server: ` + server + `
    insecure-skip-tls-verify: true
users:
- name: u
  user:
    token: ` + secretToken + `
contexts:
- name: c
  context: {cluster: c, user: u}
`)
}

func secret(data map[string][]byte) *corev1.Secret {
	return &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: "kurator-system", Name: "creds"}, Data: data}
}

func cluster(endpoint string, insecure bool) *karmadaclusterv1alpha1.Cluster {
	return &karmadaclusterv1alpha1.Cluster{
		ObjectMeta: metav1.ObjectMeta{Name: "member"},
		Spec: karmadaclusterv1alpha1.ClusterSpec{
			APIEndpoint: endpoint, InsecureSkipTLSVerification: insecure,
			SecretRef: &karmadaclusterv1alpha1.LocalSecretReference{Namespace: "kurator-system", Name: "creds"},
		},
	}
}

func TestRestConfig(t *testing.T) {
	ca := []byte("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")
	cases := map[string]struct {
		cluster      *karmadaclusterv1alpha1.Cluster
		data         map[string][]byte
		wantHost     string
		wantToken    string
		wantCA       []byte
		wantInsecure bool
	}{
		"kubeconfig key": {
			cluster:  cluster("", false),
			data:     map[string][]byte{"kubeconfig": testKubeconfig("https://10.0.0.1:6443"), "other": []byte("x")},
			wantHost: "https://10.0.0.1:6443", wantToken: secretToken, wantInsecure: true,
		},
		"the only key, whatever its name": {
			cluster:  cluster("https://ignored.example.com", false),
			data:     map[string][]byte{"value": testKubeconfig("https://10.0.0.2:6443")},
			wantHost: "https://10.0.0.2:6443", wantToken: secretToken, wantInsecure: true,
		},
		"karmada token and caBundle": {
			cluster:  cluster("https://10.0.0.3:6443", false),
			data:     map[string][]byte{"token": []byte(secretToken), "caBundle": ca},
			wantHost: "https://10.0.0.3:6443", wantToken: secretToken, wantCA: ca,
		},
		"karmada token, insecure": {
			cluster:  cluster("https://10.0.0.4:6443", true),
			data:     map[string][]byte{"token": []byte(secretToken)},
			wantHost: "https://10.0.0.4:6443", wantToken: secretToken, wantInsecure: true,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			g := NewWithT(t)
			cfg, err := restConfig(tc.cluster, secret(tc.data))
			g.Expect(err).NotTo(HaveOccurred())
			g.Expect(cfg.Host).To(Equal(tc.wantHost))
			g.Expect(cfg.BearerToken).To(Equal(tc.wantToken))
			g.Expect(cfg.CAData).To(Equal(tc.wantCA))
			g.Expect(cfg.Insecure).To(Equal(tc.wantInsecure))
		})
	}
}

func TestRestConfigErrorsDoNotLeakTheSecret(t *testing.T) {
	garbage := []byte("apiVersion: v1\nkind: Config\nusers:\n- name: u\n  user: {client-key-data: " + secretKey + "}\n  [")
	noContext := []byte("apiVersion: v1\nkind: Config\nusers:\n- name: u\n  user: {token: " + secretToken + "}\n")
	cases := map[string]struct {
		cluster *karmadaclusterv1alpha1.Cluster
		data    map[string][]byte
		want    string
	}{
		"token without apiEndpoint": {
			cluster: cluster("", false),
			data:    map[string][]byte{"token": []byte(secretToken), "caBundle": []byte(secretKey)},
			want:    "cluster has a token Secret kurator-system/creds but no spec.apiEndpoint",
		},
		"no usable key": {
			cluster: cluster("", false),
			data:    map[string][]byte{"a": []byte(secretToken), "b": []byte(secretKey)},
			want:    `credentials Secret kurator-system/creds has neither a "kubeconfig" key nor a single kubeconfig key`,
		},
		"empty Secret": {
			cluster: cluster("", false),
			want:    "has neither a",
		},
		"kubeconfig that does not parse": {
			cluster: cluster("", false),
			data:    map[string][]byte{"kubeconfig": garbage},
			want:    `credentials Secret kurator-system/creds key "kubeconfig" is not a usable kubeconfig`,
		},
		"kubeconfig without a context": {
			cluster: cluster("", false),
			data:    map[string][]byte{"config": noContext},
			want:    `key "config" is not a usable kubeconfig`,
		},
		"content client-go would quote in its error": {
			cluster: cluster("", false),
			data:    map[string][]byte{"kubeconfig": []byte("apiVersion: v1\nkind: " + secretToken + "\n")},
			want:    "is not a usable kubeconfig",
		},
		"token that is not a kubeconfig": {
			cluster: cluster("", false),
			data:    map[string][]byte{"kubeconfig": []byte(secretToken)},
			want:    "is not a usable kubeconfig",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			g := NewWithT(t)
			cfg, err := restConfig(tc.cluster, secret(tc.data))
			g.Expect(cfg).To(BeNil())
			g.Expect(err).To(MatchError(ContainSubstring(tc.want)))
			g.Expect(err.Error()).NotTo(ContainSubstring(secretToken))
			g.Expect(err.Error()).NotTo(ContainSubstring(secretKey))
		})
	}
}

func TestRegistryGet(t *testing.T) {
	g := NewWithT(t)
	ctx := context.Background()
	s := secret(map[string][]byte{"kubeconfig": testKubeconfig("https://10.0.0.1:6443")})
	hub := fake.NewClientBuilder().WithObjects(s).Build()
	r := NewRegistry(hub, 3*time.Second)

	_, err := r.Get(ctx, &karmadaclusterv1alpha1.Cluster{ObjectMeta: metav1.ObjectMeta{Name: "member"}})
	g.Expect(errors.Is(err, ErrNoCredentials)).To(BeTrue())

	missing := cluster("", false)
	missing.Spec.SecretRef.Name = "nope"
	_, err = r.Get(ctx, missing)
	g.Expect(err).To(MatchError("credentials Secret kurator-system/nope not found"))

	m, err := r.Get(ctx, cluster("", false))
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(m.Name).To(Equal("member"))
	g.Expect(m.Config.Host).To(Equal("https://10.0.0.1:6443"))
	g.Expect(m.Config.Timeout).To(Equal(3 * time.Second))
	g.Expect(m.Client).NotTo(BeNil())
	_, _, running := m.Listers()
	g.Expect(running).To(BeFalse(), "informers start only on demand")

	again, err := r.Get(ctx, cluster("", false))
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(again).To(BeIdenticalTo(m), "an unchanged Secret reuses the connection")

	s.Data["kubeconfig"] = testKubeconfig("https://10.0.0.9:6443")
	g.Expect(hub.Update(ctx, s)).To(Succeed())
	rebuilt, err := r.Get(ctx, cluster("", false))
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(rebuilt).NotTo(BeIdenticalTo(m))
	g.Expect(rebuilt.Config.Host).To(Equal("https://10.0.0.9:6443"))

	r.Forget("member")
	fresh, err := r.Get(ctx, cluster("", false))
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(fresh).NotTo(BeIdenticalTo(rebuilt), "a forgotten cluster gets a new connection")
}
