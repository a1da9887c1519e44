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

// Package agent is kurator-agent: it runs inside a pull-mode member
// cluster, connects out to the control plane (and never the other way),
// renews the cluster's heartbeat Lease, reports the cluster's status, and
// applies the Works of the cluster's execution namespace with the same
// executor the control plane uses for push members.
package agent

import (
	"errors"
	"flag"
	"fmt"
	"net/url"
	"time"
)

// Options are kurator-agent's flags.
type Options struct {
	// ClusterName is the Cluster this agent serves.
	ClusterName string
	// ControlPlane is the control plane's API server, https://host:port.
	ControlPlane string
	// ControlPlaneCAFile verifies the control plane's serving certificate.
	ControlPlaneCAFile string
	// BootstrapToken (or the file holding it) is the short-lived,
	// register-only credential used when no valid certificate is stored.
	BootstrapToken     string
	BootstrapTokenFile string
	// CertDir holds the agent's key and its issued certificate.
	CertDir string
	// CredentialsSecret, namespace/name in the member, keeps a copy of the
	// key and certificate, so a recreated Pod keeps its identity after the
	// bootstrap token has expired.
	CredentialsSecret string
	// Kubeconfig of the member cluster; empty means in-cluster.
	Kubeconfig string
	// LeaseDuration is how long the cluster stays Ready after a renewal;
	// LeaseRenewInterval how often the agent renews.
	LeaseDuration      time.Duration
	LeaseRenewInterval time.Duration
	// StatusInterval is how often the cluster's status is collected;
	// APIEnablementsRefresh how often, among those, the kinds it serves are
	// discovered again.
	StatusInterval        time.Duration
	APIEnablementsRefresh time.Duration
	// PodMetricsInterval is how often the pods of the workloads that
	// FederatedHPAs scale are reported; the control plane takes a member
	// whose report is three intervals old as stale.
	PodMetricsInterval time.Duration
	// CertificateDuration is the lifetime asked for each certificate;
	// RenewBefore how long before its expiry it is replaced (0: at 80% of
	// its life).
	CertificateDuration time.Duration
	RenewBefore         time.Duration
	MetricsAddr         string
	HealthProbeAddr     string
}

// DefaultOptions: a heartbeat every 10 s, unhealthy after 40 s (Karmada's
// lease), certificates of a week.
func DefaultOptions() Options {
	return Options{
		CertDir:               "/var/run/kurator-agent",
		LeaseDuration:         40 * time.Second,
		LeaseRenewInterval:    10 * time.Second,
		StatusInterval:        10 * time.Second,
		APIEnablementsRefresh: time.Minute,
		PodMetricsInterval:    15 * time.Second,
		CertificateDuration:   7 * 24 * time.Hour,
		MetricsAddr:           ":8080",
		HealthProbeAddr:       ":8081",
	}
}

// AddFlags registers the options on fs.
func (o *Options) AddFlags(fs *flag.FlagSet) {
	d := DefaultOptions()
	fs.StringVar(&o.ClusterName, "cluster-name", "", "name of the Cluster this agent serves (required)")
	fs.StringVar(&o.ControlPlane, "control-plane", "", "the control plane's API server, https://host:port (required)")
	fs.StringVar(&o.ControlPlaneCAFile, "control-plane-ca-file", "", "CA bundle that signed the control plane's serving certificate (required)")
	fs.StringVar(&o.BootstrapToken, "bootstrap-token", "", "bootstrap token <id>.<secret>, used only while no valid certificate is stored")
	fs.StringVar(&o.BootstrapTokenFile, "bootstrap-token-file", "", "file holding the bootstrap token")
	fs.StringVar(&o.CertDir, "cert-dir", d.CertDir, "directory of the agent's key and certificate")
	fs.StringVar(&o.CredentialsSecret, "credentials-secret", "", "namespace/name of a Secret in the member keeping a copy of the key and certificate")
	fs.StringVar(&o.Kubeconfig, "kubeconfig", "", "kubeconfig of the member cluster; empty means in-cluster configuration")
	fs.DurationVar(&o.LeaseDuration, "cluster-lease-duration", d.LeaseDuration, "how long the cluster stays Ready after the agent's last heartbeat")
	fs.DurationVar(&o.LeaseRenewInterval, "cluster-lease-renew-interval", d.LeaseRenewInterval, "how often the agent renews the cluster's heartbeat Lease")
	fs.DurationVar(&o.StatusInterval, "cluster-status-update-frequency", d.StatusInterval, "how often the cluster's nodes, resources and APIs are reported")
	fs.DurationVar(&o.APIEnablementsRefresh, "cluster-api-enablements-refresh", d.APIEnablementsRefresh, "how often the kinds the cluster serves are discovered again (a new CRD is schedulable there after that)")
	fs.DurationVar(&o.PodMetricsInterval, "pod-metrics-report-interval", d.PodMetricsInterval, "how often the pods and usage of the workloads FederatedHPAs scale are reported to the control plane")
	fs.DurationVar(&o.CertificateDuration, "certificate-duration", d.CertificateDuration, "lifetime asked for each client certificate (at least 10m)")
	fs.DurationVar(&o.RenewBefore, "certificate-renew-before", 0, "replace the certificate this long before it expires; 0 means at 80% of its life")
	fs.StringVar(&o.MetricsAddr, "metrics-bind-address", d.MetricsAddr, "address of the metrics endpoint; 0 disables it")
	fs.StringVar(&o.HealthProbeAddr, "health-probe-bind-address", d.HealthProbeAddr, "address of /healthz and /readyz; 0 disables it")
}

// Validate rejects settings that cannot work, naming the flag.
func (o *Options) Validate() error {
	var errs []error
	if o.ClusterName == "" {
		errs = append(errs, errors.New("--cluster-name is required"))
	}
	if _, err := ControlPlaneURL(o.ControlPlane); err != nil {
		errs = append(errs, err)
	}
	if o.ControlPlaneCAFile == "" {
		errs = append(errs, errors.New("--control-plane-ca-file is required: the agent only talks to a control plane it can verify"))
	}
	if o.BootstrapToken != "" && o.BootstrapTokenFile != "" {
		errs = append(errs, errors.New("--bootstrap-token and --bootstrap-token-file are exclusive"))
	}
	if o.CertDir == "" {
		errs = append(errs, errors.New("--cert-dir is required"))
	}
	if o.LeaseRenewInterval <= 0 || o.LeaseDuration <= o.LeaseRenewInterval {
		errs = append(errs, fmt.Errorf("--cluster-lease-duration (%s) must be longer than --cluster-lease-renew-interval (%s), which must be positive", o.LeaseDuration, o.LeaseRenewInterval))
	}
	if o.StatusInterval <= 0 {
		errs = append(errs, errors.New("--cluster-status-update-frequency must be positive"))
	}
	if o.PodMetricsInterval <= 0 {
		errs = append(errs, errors.New("--pod-metrics-report-interval must be positive"))
	}
	if o.APIEnablementsRefresh <= 0 {
		errs = append(errs, errors.New("--cluster-api-enablements-refresh must be positive"))
	}
	if o.CertificateDuration < 10*time.Minute {
		errs = append(errs, errors.New("--certificate-duration must be at least 10m, the shortest certificate Kubernetes issues"))
	}
	if o.RenewBefore < 0 || o.RenewBefore >= o.CertificateDuration {
		errs = append(errs, errors.New("--certificate-renew-before must be shorter than --certificate-duration"))
	}
	return errors.Join(errs...)
}

// ControlPlaneURL parses the control plane's address: https with a host.
func ControlPlaneURL(s string) (*url.URL, error) {
	u, err := url.Parse(s)
	if s == "" || err != nil || u.Scheme != "https" || u.Host == "" || (u.Path != "" && u.Path != "/") {
		return nil, fmt.Errorf("--control-plane %q is not the control plane's address: want https://host:port", s)
	}
	return u, nil
}
