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
	"context"
	"encoding/base64"
	"fmt"
	"net"
	"net/url"
	"os"
	"slices"

	"helm.sh/helm/v4/pkg/cli/values"
	"helm.sh/helm/v4/pkg/getter"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"

	"kurator.dev/kurator/internal/components"
	"kurator.dev/kurator/internal/kubeconfig"
	"kurator.dev/kurator/internal/pki"
)

// inClusterServer is the control plane's address inside the host.
func inClusterServer(namespace string) string {
	return fmt.Sprintf("https://%s.%s.svc:%d", components.ControlPlaneName, namespace, components.HostAPIServerPort)
}

// ensurePKI fills dir with the control plane's certificates: those of the
// kurator-pki Secret when the host has it (an upgrade, so that every client
// stays valid), else new ones. Either way the serving certificate covers the
// Service's names, the endpoint and extra (a load balancer's address): an
// existing one lacking a name is reissued from the same CA. reused says the
// Secret's certificates are kept exactly.
func ensurePKI(ctx context.Context, host kubernetes.Interface, o Options, dir string, extra ...string) (bundle pki.Bundle, reused bool, err error) {
	opts, err := hostPKIOptions(o, extra...)
	if err != nil {
		return pki.Bundle{}, false, err
	}
	b := pki.Bundle{Dir: dir}
	secret, err := host.CoreV1().Secrets(o.Namespace).Get(ctx, components.PKISecretName, metav1.GetOptions{})
	switch {
	case err == nil:
		if err := b.WriteFiles(secret.Data); err != nil {
			return b, false, fmt.Errorf("restore the certificates of Secret %s/%s: %w", o.Namespace, components.PKISecretName, err)
		}
		covered, err := b.ServingCertCovers(opts)
		if err != nil {
			return b, false, fmt.Errorf("read the serving certificate of Secret %s/%s: %w", o.Namespace, components.PKISecretName, err)
		}
		if covered {
			return b, true, nil
		}
	case !apierrors.IsNotFound(err):
		return pki.Bundle{}, false, fmt.Errorf("read Secret %s/%s: %w", o.Namespace, components.PKISecretName, err)
	}
	b, err = pki.EnsureHost(dir, components.ControlPlaneName, opts)
	if err != nil {
		return b, false, fmt.Errorf("generate the control plane's certificates: %w", err)
	}
	return b, false, nil
}

// hostPKIOptions are the names the serving certificate must cover.
func hostPKIOptions(o Options, extra ...string) (pki.HostOptions, error) {
	svc := components.ControlPlaneName
	opts := pki.HostOptions{
		ServingDNSNames:  []string{svc, svc + "." + o.Namespace, svc + "." + o.Namespace + ".svc", svc + "." + o.Namespace + ".svc.cluster.local"},
		EtcdPeerDNSNames: []string{"*." + components.PeersServiceName + "." + o.Namespace + ".svc"},
	}
	hosts := slices.Clone(extra)
	if o.Endpoint != "" {
		u, err := url.Parse(o.Endpoint)
		if err != nil || u.Hostname() == "" {
			return opts, fmt.Errorf("endpoint %q is not a URL with a host", o.Endpoint)
		}
		hosts = append(hosts, u.Hostname())
	}
	for _, h := range hosts {
		if ip := net.ParseIP(h); ip != nil {
			opts.ServingIPs = append(opts.ServingIPs, ip)
		} else {
			opts.ServingDNSNames = append(opts.ServingDNSNames, h)
		}
	}
	return opts, nil
}

// releaseValues merges, as Helm does, the typed settings, the user's -f
// files and --set values, then adds the certificates and the
// controller-manager's kubeconfig.
func releaseValues(o Options, bundle pki.Bundle) (map[string]any, error) {
	merged, err := (&values.Options{ValueFiles: o.ValuesFiles, Values: o.setValues()}).MergeValues(getter.Getters())
	if err != nil {
		return nil, fmt.Errorf("merge the values: %w", err)
	}
	files, err := bundle.Files()
	if err != nil {
		return nil, fmt.Errorf("read the certificates: %w", err)
	}
	encoded := make(map[string]any, len(files))
	for name, data := range files {
		encoded[name] = base64.StdEncoding.EncodeToString(data)
	}
	managerKubeconfig, err := kubeconfigFor(inClusterServer(o.Namespace), bundle)
	if err != nil {
		return nil, err
	}
	section(merged, "pki")["files"] = encoded
	section(merged, "controllerManager")["kubeconfig"] = string(managerKubeconfig)
	return merged, nil
}

// section returns the map under key, creating it.
func section(m map[string]any, key string) map[string]any {
	if s, ok := m[key].(map[string]any); ok {
		return s
	}
	s := map[string]any{}
	m[key] = s
	return s
}

// kubeconfigFor is a kubeconfig of the control plane's admin at server.
func kubeconfigFor(server string, bundle pki.Bundle) ([]byte, error) {
	cfg, err := kubeconfig.Build(kubeconfig.Entry{Context: ContextName, Server: server, PKI: bundle})
	if err != nil {
		return nil, fmt.Errorf("build the kubeconfig of %s: %w", server, err)
	}
	data, err := clientcmd.Write(*cfg)
	if err != nil {
		return nil, fmt.Errorf("write the kubeconfig of %s: %w", server, err)
	}
	return data, nil
}

// tempDir holds the certificates while the install runs; they live on in
// the Secret only.
func tempDir() (string, func(), error) {
	dir, err := os.MkdirTemp("", "kurator-install-pki-")
	if err != nil {
		return "", nil, fmt.Errorf("create a directory for the certificates: %w", err)
	}
	return dir, func() { _ = os.RemoveAll(dir) }, nil
}
