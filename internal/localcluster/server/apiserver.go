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
package server

import (
	"context"
	"fmt"
	"strconv"

	"kurator.dev/kurator/internal/localcluster"

	"github.com/spf13/pflag"
	utilerrors "k8s.io/apimachinery/pkg/util/errors"
	"k8s.io/client-go/rest"
	"k8s.io/kubernetes/cmd/kube-apiserver/app"
	"k8s.io/kubernetes/cmd/kube-apiserver/app/options"

	"kurator.dev/kurator/internal/pki"
)

// apiServerArgs are the kube-apiserver flags of a local cluster. The server is
// reachable only on 127.0.0.1, uses TLS with generated certificates, and
// authorises with RBAC (the admin certificate is in system:masters). When it
// proxies to an aggregated API server (a member's metrics.k8s.io), it proves
// itself with the front-proxy client certificate and passes the user on in
// the X-Remote-* headers. A control plane also accepts bootstrap tokens, with
// which pull-mode agents ask for their certificates (internal/agentauth).
func apiServerArgs(c localcluster.Config) []string {
	b := pki.Bundle{Dir: c.PKIDir}
	args := []string{
		"--bind-address=" + c.Bind(),
		"--advertise-address=" + c.Advertise(),
		"--secure-port=" + strconv.Itoa(c.APIServerPort),
		"--etcd-servers=" + etcdURL(c),
		"--tls-cert-file=" + b.Path(pki.ServingCert),
		"--tls-private-key-file=" + b.Path(pki.ServingKey),
		"--client-ca-file=" + b.Path(pki.CACert),
		"--proxy-client-cert-file=" + b.Path(pki.FrontProxyClientCert),
		"--proxy-client-key-file=" + b.Path(pki.FrontProxyClientKey),
		"--requestheader-client-ca-file=" + b.Path(pki.FrontProxyCACert),
		"--requestheader-allowed-names=" + pki.FrontProxyClientName,
		"--requestheader-username-headers=X-Remote-User",
		"--requestheader-uid-headers=X-Remote-Uid",
		"--requestheader-group-headers=X-Remote-Group",
		"--requestheader-extra-headers-prefix=X-Remote-Extra-",
		"--service-account-issuer=https://kubernetes.default.svc.cluster.local",
		"--service-account-key-file=" + b.Path(pki.ServiceAcctPub),
		"--service-account-signing-key-file=" + b.Path(pki.ServiceAcctKey),
		"--service-cluster-ip-range=10.96.0.0/16",
		"--authorization-mode=RBAC",
		"--allow-privileged=true",
		"--endpoint-reconciler-type=none",
		"--enable-priority-and-fairness=false",
		"--profiling=false",
		"--event-ttl=1h",
	}
	if c.Role == localcluster.RoleControlPlane {
		args = append(args, "--enable-bootstrap-token-auth=true")
	}
	return args
}

// runAPIServer runs kube-apiserver in this process until ctx ends. It mirrors
// what the kube-apiserver command does, minus the process-wide signal handler
// and logging setup that this process owns.
func runAPIServer(ctx context.Context, c localcluster.Config) error {
	s := options.NewServerRunOptions()
	fs := pflag.NewFlagSet("kube-apiserver", pflag.ContinueOnError)
	for _, f := range s.Flags().FlagSets {
		fs.AddFlagSet(f)
	}
	if err := fs.Parse(apiServerArgs(c)); err != nil {
		return fmt.Errorf("kube-apiserver flags: %w", err)
	}
	if err := s.GenericServerRunOptions.ComponentGlobalsRegistry.Set(); err != nil {
		return err
	}
	rest.SetDefaultWarningHandler(rest.NoWarnings{})
	completed, err := s.Complete(ctx)
	if err != nil {
		return fmt.Errorf("kube-apiserver options: %w", err)
	}
	if errs := completed.Validate(); len(errs) != 0 {
		return fmt.Errorf("kube-apiserver options: %w", utilerrors.NewAggregate(errs))
	}
	return app.Run(ctx, completed)
}
