package config

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/rbench/rbench/internal/input"
)

// MaxTLSFile bounds each certificate and key file: a CA bundle of every
// public root is about 200 KB.
const MaxTLSFile = 1 << 20

// TLSFiles are the certificate files of a TLS connection, read and parsed
// once by Load, so a wrong path or a file that is not PEM is reported with
// the other configuration problems, before anything connects. The paths are
// shown wherever the configuration is; the key's contents never are.
type TLSFiles struct {
	// CACert is the path of the CA bundle, "" for the system's trusted CAs.
	CACert string
	// RootCAs holds CACert's certificates; nil when CACert is "".
	RootCAs *x509.CertPool
	// Cert and Key are the paths of the client certificate and its key.
	Cert, Key string
	// Certificate is the parsed pair; nil when none was given.
	Certificate *tls.Certificate
}

// loadTLS reads and checks the TLS settings (REDIS_TLS_* and their flags)
// into c, returning every problem.
func (c *Config) loadTLS() []Problem {
	var problems []Problem
	bad := func(name, allowed string) {
		problems = append(problems, Problem{Setting: c.settings[name], Allowed: allowed})
	}
	ins := c.settings[VarTLSInsecure]
	if b, err := parseBool(ins.Value); err != nil {
		bad(VarTLSInsecure, "allowed: true or false")
	} else {
		c.TLSInsecure = b
	}
	sni := strings.TrimSpace(c.settings[VarTLSSNI].Value)
	if sni != "" {
		if h, ok := validHost(sni); ok && !strings.HasPrefix(sni, "/") {
			c.TLSServerName = h
		} else {
			bad(VarTLSSNI, "allowed: the hostname the server's certificate carries (RFC 1123), such as redis.example.com")
		}
	}
	ca, cert, key := c.settings[VarTLSCACert], c.settings[VarTLSCert], c.settings[VarTLSKey]
	if !c.TLS {
		// A TLS option without TLS would be silently ignored, and the user
		// would believe the connection is verified or encrypted.
		for _, s := range []Setting{ca, cert, key, c.settings[VarTLSSNI]} {
			if s.Value != "" {
				bad(s.Name, "a TLS option, but TLS is off: add --tls (REDIS_TLS=true) or use a rediss:// URL, or drop it")
			}
		}
		if c.TLSInsecure {
			bad(VarTLSInsecure, "a TLS option, but TLS is off: add --tls (REDIS_TLS=true) or use a rediss:// URL, or drop it")
		}
		return problems
	}
	if ca.Value != "" {
		pool, err := readCAs(ca.Value)
		if err != nil {
			bad(VarTLSCACert, err.Error())
		} else {
			c.TLSFiles.CACert, c.TLSFiles.RootCAs = ca.Value, pool
		}
	}
	switch {
	case cert.Value != "" && key.Value == "":
		bad(VarTLSCert, "a client certificate needs its private key: set --key FILE (REDIS_TLS_KEY)")
	case cert.Value == "" && key.Value != "":
		bad(VarTLSKey, "a private key needs its client certificate: set --cert FILE (REDIS_TLS_CERT)")
	case cert.Value != "":
		certPEM, cerr := readPEM(cert.Value)
		keyPEM, kerr := readPEM(key.Value)
		if cerr != nil {
			bad(VarTLSCert, cerr.Error())
		}
		if kerr != nil {
			bad(VarTLSKey, kerr.Error())
		}
		if cerr != nil || kerr != nil {
			break
		}
		pair, err := tls.X509KeyPair(certPEM, keyPEM)
		clear(keyPEM)
		if err != nil {
			// X509KeyPair's errors name what is wrong (no PEM data, a key
			// that does not match), never the key's bytes.
			bad(VarTLSKey, fmt.Sprintf("the certificate %s and this key do not make a pair (%s): give the key the certificate was issued for", cert.Value, strings.TrimPrefix(err.Error(), "tls: ")))
			break
		}
		c.TLSFiles.Cert, c.TLSFiles.Key, c.TLSFiles.Certificate = cert.Value, key.Value, &pair
	}
	return problems
}

// readPEM reads a certificate or key file, bounded.
func readPEM(path string) ([]byte, error) {
	b, err := input.ReadFile(context.Background(), path, MaxTLSFile)
	if err != nil {
		var tl *input.TooLargeError
		var pe *fs.PathError
		switch {
		case errors.As(err, &tl):
			return nil, fmt.Errorf("cannot use it: larger than the %s a PEM file may be", input.Bytes(MaxTLSFile))
		case errors.As(err, &pe):
			return nil, fmt.Errorf("cannot read it: %w: give the path of a PEM file", pe.Err)
		}
		return nil, fmt.Errorf("cannot read it: %w", err)
	}
	return b, nil
}

// readCAs reads a PEM bundle of CA certificates.
func readCAs(path string) (*x509.CertPool, error) {
	b, err := readPEM(path)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	n := 0
	for rest := b; ; {
		var blk *pem.Block
		blk, rest = pem.Decode(rest)
		if blk == nil {
			break
		}
		if blk.Type != "CERTIFICATE" {
			continue // a bundle may carry other blocks; a key here is not ours to judge
		}
		crt, err := x509.ParseCertificate(blk.Bytes)
		if err != nil {
			return nil, fmt.Errorf("certificate %d in the file does not parse (%v): give a PEM file of CA certificates", n+1, err)
		}
		pool.AddCert(crt)
		n++
	}
	if n == 0 {
		return nil, errors.New("holds no PEM certificate (-----BEGIN CERTIFICATE-----): give the CA certificate that signed the server's, in PEM")
	}
	return pool, nil
}

// ClusterMode says whether the target is a Redis Cluster.
type ClusterMode int

// Cluster modes.
const (
	// ClusterAuto asks the server (INFO cluster_enabled) when connecting.
	ClusterAuto ClusterMode = iota
	// ClusterOn connects with a cluster client.
	ClusterOn
	// ClusterOff connects to one server.
	ClusterOff
)

func (m ClusterMode) String() string {
	switch m {
	case ClusterOn:
		return "true"
	case ClusterOff:
		return "false"
	}
	return "auto"
}

// ParseClusterMode reads REDIS_CLUSTER: auto, or a boolean.
func ParseClusterMode(s string) (ClusterMode, error) {
	if strings.EqualFold(strings.TrimSpace(s), "auto") {
		return ClusterAuto, nil
	}
	b, err := parseBool(s)
	if err != nil {
		return ClusterAuto, err
	}
	if b {
		return ClusterOn, nil
	}
	return ClusterOff, nil
}
