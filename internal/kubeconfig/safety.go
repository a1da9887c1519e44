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
	"fmt"

	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// ErrUnsafeCredentials marks kubeconfigs a controller must not use: they
// would make it run a command or read files on its own host.
var ErrUnsafeCredentials = errors.New("unsafe kubeconfig")

// CheckSelfContained verifies that the current context of cfg authenticates
// without exec or auth-provider plugins and without files on disk, so that
// it can be stored in a Secret and used by the control plane.
func CheckSelfContained(cfg *clientcmdapi.Config) error {
	ctx, ok := cfg.Contexts[cfg.CurrentContext]
	if !ok {
		// Nothing to run or read; building a client from it fails anyway.
		return nil
	}
	if c, ok := cfg.Clusters[ctx.Cluster]; ok && c.CertificateAuthority != "" {
		return fmt.Errorf("%w: it reads the CA from the file %s; embed it (certificate-authority-data)", ErrUnsafeCredentials, c.CertificateAuthority)
	}
	a, ok := cfg.AuthInfos[ctx.AuthInfo]
	if !ok {
		return nil
	}
	switch {
	case a.Exec != nil:
		return fmt.Errorf("%w: it authenticates by running %q, which the control plane will not run; use a token or a client certificate (for example a ServiceAccount token)", ErrUnsafeCredentials, a.Exec.Command)
	case a.AuthProvider != nil:
		return fmt.Errorf("%w: it uses the %q auth provider, which the control plane will not run; use a token or a client certificate", ErrUnsafeCredentials, a.AuthProvider.Name)
	case a.ClientCertificate != "" || a.ClientKey != "" || a.TokenFile != "":
		return fmt.Errorf("%w: it reads credentials from files; embed them (client-certificate-data, client-key-data, token)", ErrUnsafeCredentials)
	}
	return nil
}
