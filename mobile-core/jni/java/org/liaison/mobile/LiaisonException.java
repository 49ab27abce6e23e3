// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
package org.liaison.mobile;

/**
 * Every failure of the mobile core, as the C API reports it: branch on {@link #domain} and
 * {@link #code} (the liaison_error_domain and liaison_error_code values of liaison.h), never on
 * the message, which is English for logs and free of personal data.
 */
public final class LiaisonException extends Exception {
  public static final int DOMAIN_LIAISON = 1;
  public static final int DOMAIN_STORAGE = 2;
  public static final int DOMAIN_NETWORK = 3;

  public static final int INVALID_ARGUMENT = 1;
  public static final int NOT_FOUND = 2;
  public static final int IO = 3;
  public static final int CORRUPT = 4;
  public static final int CONFLICT = 5;
  public static final int UNAVAILABLE = 6;
  public static final int PERMISSION_DENIED = 7;
  public static final int RESOURCE_EXHAUSTED = 8;
  public static final int UNSUPPORTED = 9;
  public static final int INTERNAL = 10;
  public static final int WRONG_KEY = 11;

  private static final long serialVersionUID = 1L;

  public final int domain;
  public final int code;

  public LiaisonException(int domain, int code, String message) {
    super(message);
    this.domain = domain;
    this.code = code;
  }

  /** True for a failure worth retrying later (no network, gateway busy). */
  public boolean isRetryable() {
    return code == UNAVAILABLE;
  }
}
