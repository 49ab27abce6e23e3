// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
package org.liaison.mobile;

/**
 * The mobile core from Java: one native method per C function of liaison.h (see its header for
 * what each does, who frees what and thread-safety). Records go in and come out as serialised
 * protobuf (liaison.v1 in, liaison.mobile.v1 views out). Handles are longs: close a store with
 * {@link #storeClose} and free a sync client with {@link #syncClientFree}, exactly once, the
 * client before its store. Every failure throws {@link LiaisonException}.
 */
public final class Liaison {
  static {
    System.loadLibrary("liaison_mobile_jni");
  }

  private Liaison() {}

  public static native String version();

  // ---- the store ----
  public static native long storeOpen(String path, byte[] key) throws LiaisonException;

  public static native void storeClose(long store);

  public static native long pendingCount(long store) throws LiaisonException;

  /** A serialised liaison.v1.Registration in; the new member's id out. */
  public static native String memberRegister(long store, byte[] registration)
      throws LiaisonException;

  /** A serialised liaison.mobile.v1.MemberList. */
  public static native byte[] memberList(long store) throws LiaisonException;

  /** A serialised liaison.mobile.v1.FormList. */
  public static native byte[] formList(long store) throws LiaisonException;

  /** A serialised liaison.v1.Submission in; the draft's id out. */
  public static native String submissionSaveDraft(long store, byte[] submission)
      throws LiaisonException;

  /** The finalised liaison.mobile.v1.SubmissionView. */
  public static native byte[] submissionFinalise(long store, String id) throws LiaisonException;

  /** 1 local (draft), 2 pending, 3 synced, 4 rejected. */
  public static native int recordSyncState(long store, String id) throws LiaisonException;

  /** A serialised liaison.mobile.v1.InboxList. */
  public static native byte[] inboxList(long store) throws LiaisonException;

  // ---- the sync client ----
  public static native long syncClientNew(long store, String gatewayUrl, String caFile)
      throws LiaisonException;

  public static native void syncClientFree(long client);

  /** Redeems a one-time enrolment code; returns the device id. */
  public static native String syncEnrol(long client, String code) throws LiaisonException;

  /** One sync session; a serialised liaison.mobile.v1.SyncReport. */
  public static native byte[] syncRun(long client) throws LiaisonException;

  public static native void syncStart(long client, int intervalSeconds) throws LiaisonException;

  public static native void syncStop(long client);

  public static native void syncTrigger(long client);
}
