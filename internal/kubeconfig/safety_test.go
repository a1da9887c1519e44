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
package kubeconfig

import (
	"errors"
	"testing"

	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

func TestCheckSelfContained(t *testing.T) {
	base := func(auth *clientcmdapi.AuthInfo, cluster *clientcmdapi.Cluster) *clientcmdapi.Config {
		cfg := clientcmdapi.NewConfig()
		cfg.Clusters["c"] = cluster
		cfg.AuthInfos["u"] = auth
		cfg.Contexts["x"] = &clientcmdapi.Context{Cluster: "c", AuthInfo: "u"}
		cfg.CurrentContext = "x"
		return cfg
	}
	embedded := &clientcmdapi.Cluster{Server: "https://127.0.0.1:6443", CertificateAuthorityData: []byte("ca")}
	cases := map[string]struct {
		cfg  *clientcmdapi.Config
		safe bool
	}{
		"token":              {base(&clientcmdapi.AuthInfo{Token: "t"}, embedded), true},
		"client certificate": {base(&clientcmdapi.AuthInfo{ClientCertificateData: []byte("c"), ClientKeyData: []byte("k")}, embedded), true},
		"exec plugin":        {base(&clientcmdapi.AuthInfo{Exec: &clientcmdapi.ExecConfig{Command: "aws"}}, embedded), false},
		"auth provider":      {base(&clientcmdapi.AuthInfo{AuthProvider: &clientcmdapi.AuthProviderConfig{Name: "oidc"}}, embedded), false},
		"token file":         {base(&clientcmdapi.AuthInfo{TokenFile: "/etc/token"}, embedded), false},
		"certificate file":   {base(&clientcmdapi.AuthInfo{ClientCertificate: "/etc/cert", ClientKey: "/etc/key"}, embedded), false},
		"CA file":            {base(&clientcmdapi.AuthInfo{Token: "t"}, &clientcmdapi.Cluster{Server: "https://x", CertificateAuthority: "/etc/ca"}), false},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			err := CheckSelfContained(tc.cfg)
			if tc.safe && err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if !tc.safe && !errors.Is(err, ErrUnsafeCredentials) {
				t.Fatalf("got %v, want ErrUnsafeCredentials", err)
			}
		})
	}
}
