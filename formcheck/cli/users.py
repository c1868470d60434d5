"""``formcheck users list|add|remove|passwd|email``: the accounts of the app served beyond this computer.

The accounts sit beside the history (``--db``, ``FORMCHECK_DB`` or the user
data dir; see ``formcheck.store.accounts``). A password is read from the
terminal without echo, twice, or as one line of standard input with
``--password-stdin`` (for scripts); it is never an argument (other users could
read it in the process list) and never printed. Every change is written to the
audit log as done by ``shell``. ``--email`` (or ``users email NAME ADDRESS``)
lets the account sign in through the OpenID Connect provider configured for
the app (see ``formcheck.app.oidc``).

Example:
    $ formcheck users add tina --role trainer --email tina@example.org
    $ formcheck users add alice --email alice@example.org --no-password
    $ printf '%s\\n' "$PW" | formcheck users add alice --password-stdin
"""

from __future__ import annotations

import argparse
import secrets
import sys
from pathlib import Path

from formcheck.records.errors import FormcheckError

#: Who the audit log names for changes made from the shell.
SHELL_ACTOR = "shell"


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("users", help="accounts for the app served to other devices (trainers and clients)")
    db = argparse.ArgumentParser(add_help=False)
    db.add_argument("--db", help="history database the accounts sit beside (default: FORMCHECK_DB or the user "
                                 "data dir)")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    actions.add_parser("list", parents=[db], help="list the accounts and their roles")
    add = actions.add_parser("add", parents=[db], help="create an account (asks for its password)")
    add.add_argument("name")
    add.add_argument("--role", choices=("client", "trainer"), default="client", help="default: client")
    add.add_argument("--email", default="", help="the e-mail this account signs in with through the provider "
                                                 "(Google, Microsoft...), when one is configured")
    add.add_argument("--no-password", action="store_true",
                     help="with --email: no password anyone knows, sign-in through the provider only "
                          "(`passwd` gives one later)")
    remove = actions.add_parser("remove", parents=[db],
                                help="delete an account (its history stays) and end its sign-ins")
    remove.add_argument("name")
    passwd = actions.add_parser("passwd", parents=[db], help="give an account a new password (ends its sign-ins)")
    passwd.add_argument("name")
    email = actions.add_parser("email", parents=[db],
                               help="set the e-mail an account signs in with through the provider ('' removes it)")
    email.add_argument("name")
    email.add_argument("email")
    for command in (add, passwd):
        command.add_argument("--password-stdin", action="store_true",
                             help="read the password as one line of standard input (for scripts)")
    p.set_defaults(func=run)


def read_password(from_stdin: bool) -> str:
    """The new password: one line of stdin, or typed twice at the terminal without echo.

    Raises:
        FormcheckError: Nothing on stdin, no terminal to ask on, or the two entries differ.
    """
    if from_stdin:
        line = sys.stdin.readline()
        if not line:
            raise FormcheckError("--password-stdin: standard input is empty")
        return line.rstrip("\r\n")
    if not sys.stdin.isatty():
        raise FormcheckError("no terminal to ask for the password on: pass it with --password-stdin")
    import getpass

    first = getpass.getpass("Password: ")
    if getpass.getpass("Again: ") != first:
        raise FormcheckError("the two passwords differ: nothing changed")
    return first


def run(args: argparse.Namespace) -> int:
    from formcheck.store.accounts import AccountStore, accounts_path
    from formcheck.store.audit_log import AuditLog
    from formcheck.store.history import default_db_path

    history = Path(args.db).expanduser().resolve() if args.db else default_db_path()
    store = AccountStore(accounts_path(history))
    audit = AuditLog(store)
    if args.action == "list":
        for account in store.list():
            print(f"{account.name}\t{account.role}\t{account.email or '-'}\tcreated {account.created_at}")
        return 0
    if args.action == "add":
        if args.no_password and not args.email.strip():
            raise FormcheckError("--no-password needs --email: without either the account could never sign in")
        password = secrets.token_urlsafe(32) if args.no_password else read_password(args.password_stdin)
        account = store.add(args.name, args.role, password, args.email)
        audit.record(SHELL_ACTOR, "add account", f"{account.name} ({account.role})"
                     + (f", e-mail {account.email}" if account.email else ""))
        print(f"added {account.name} ({account.role}) in {store.path}", file=sys.stderr)
    elif args.action == "email":
        account = store.set_email(args.name, args.email)
        audit.record(SHELL_ACTOR, "set e-mail", f"{account.name}: {account.email or 'none'}")
        print(f"{account.name}: e-mail {account.email or 'removed'}", file=sys.stderr)
    elif args.action == "remove":
        store.remove(args.name)
        audit.record(SHELL_ACTOR, "remove account", args.name.strip().lower())
        print(f"removed {args.name.strip().lower()}", file=sys.stderr)
    else:
        store.set_password(args.name, read_password(args.password_stdin))
        audit.record(SHELL_ACTOR, "new password", args.name.strip().lower())
        print(f"new password for {args.name.strip().lower()} (signed out everywhere)", file=sys.stderr)
    return 0
