"""子账号 (sub-accounts) and their permissions, for lesson ``02_pre_job`` (训练二：子账户的建立、修改、
删除) and the routing settings of :mod:`cslab.workbench.routing`, which reads :meth:`SubAccount.to_dict`.

An account is named ``店铺名:昵称`` (``悦衣小铺:小美``), belongs to a group (售前/售后/主管 …), has a
role whose permissions (:data:`ROLES`) can be changed per account, and a maximum of concurrent
chats (1–50). Rules: names are unique; an account with open sessions is not deleted or disabled
(transfer them first); the last enabled 主管 is never deleted or disabled.

>>> accounts = SubAccounts.default()
>>> accounts.create("小林", group="售前").name
'悦衣小铺:小林'
>>> accounts.can("小林", "修改子账号")
False
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from ..errors import InputError
from ._settings import SHOP_NAME, check_bool, check_fields, check_int, check_text, parse_hours

__all__ = ["PERMISSIONS", "ROLES", "ACCOUNT_GROUPS", "SubAccount", "SubAccounts"]

#: permission → what it allows
PERMISSIONS = {
    "接待": "接待买家咨询",
    "查看订单": "查看订单和物流信息",
    "修改备注": "修改订单备注",
    "修改价格": "修改未付款订单的价格",
    "处理退款": "同意或拒绝退款、退货",
    "查看全部会话": "查看所有客服的聊天记录",
    "分配会话": "把会话分配或转交给其他客服",
    "修改子账号": "创建、修改、停用、删除子账号",
    "查看绩效": "查看客服的绩效数据",
}
#: role → its default permissions (an account may have more or fewer)
ROLES = {
    "客服": ("接待", "查看订单", "修改备注"),
    "主管": tuple(PERMISSIONS),
}
#: the shop's account groups (others may be added, e.g. 大促)
ACCOUNT_GROUPS = ("售前", "售后", "主管")
_SUPERVISOR = "主管"
_NICK = re.compile(r"^[\u4e00-\u9fffA-Za-z0-9_\-·]{1,12}$")
_TAG = re.compile(r"^[^\s,，、]{1,30}$")
_FIELDS = ("name", "group", "role", "permissions", "max_concurrent", "enabled", "weight", "products", "sources",
           "shift_hours")
_SPLIT = re.compile(r"[\s,，、;；]+")


def _tags(value, what: str) -> tuple:
    if isinstance(value, str):
        value = _SPLIT.split(value)
    if value is None:
        value = ()
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise InputError(f"{what}应是文字列表，例如 [\"SP0001\", \"SP0002\"]。")
    out = tuple(dict.fromkeys(v.strip() for v in value if v.strip()))
    bad = [v for v in out if not _TAG.match(v)]
    if bad:
        raise InputError(f"{what}里的“{bad[0]}”不对：每一项不能有空格或逗号，最多 30 个字符。")
    return out


def _permissions(value, role: str, name: str) -> tuple:
    if value is None:
        return ROLES[role]
    if isinstance(value, str):
        value = _SPLIT.split(value)
    if not isinstance(value, (list, tuple, set, frozenset)):
        raise InputError(f"{name} 的权限应是列表，例如 [\"接待\", \"查看订单\"]。")
    wanted = {str(v).strip() for v in value if str(v).strip()}
    unknown = sorted(wanted - set(PERMISSIONS))
    if unknown:
        raise InputError(f"{name} 的权限“{unknown[0]}”不存在：可选的权限有 {'、'.join(PERMISSIONS)}。")
    return tuple(p for p in PERMISSIONS if p in wanted)


@dataclass(frozen=True)
class SubAccount:
    """One sub-account; values are checked and tidied on creation (``permissions=None`` → the role's).

    >>> a = SubAccount("悦衣小铺:小林", "售前")
    >>> a.nickname, a.role, a.permissions
    ('小林', '客服', ('接待', '查看订单', '修改备注'))
    """

    name: str
    group: str
    role: str | None = None
    permissions: tuple | None = None
    max_concurrent: int = 5
    enabled: bool = True
    weight: int = 1
    products: tuple = ()
    sources: tuple = ()
    shift_hours: str = "08:00-16:30"

    def __post_init__(self):
        name = check_text(self.name, "子账号名", max_len=40).replace("：", ":")
        shop, sep, nick = name.partition(":")
        if not sep or not shop.strip() or ":" in nick:
            raise InputError(f"子账号名“{name}”格式不对：应写成“店铺名:昵称”，例如 {SHOP_NAME}:小林。")
        shop, nick = shop.strip(), nick.strip()
        if not _NICK.match(nick):
            raise InputError(f"子账号名“{name}”里的昵称“{nick}”不对：只能用汉字、英文字母、数字、_ 和 -，1–12 个字，不能有空格。")
        name = f"{shop}:{nick}"
        group = check_text(self.group, f"{name} 的分组", max_len=10)
        role = self.role if self.role is not None else (_SUPERVISOR if group == _SUPERVISOR else "客服")
        if role not in ROLES:
            raise InputError(f"{name} 的角色“{role}”不存在：请从 {'、'.join(ROLES)} 中选择。")
        set_ = object.__setattr__
        set_(self, "name", name)
        set_(self, "group", group)
        set_(self, "role", role)
        set_(self, "permissions", _permissions(self.permissions, role, name))
        set_(self, "max_concurrent", check_int(self.max_concurrent, f"{name} 的最大接待人数", 1, 50))
        set_(self, "enabled", check_bool(self.enabled, f"{name} 的启用"))
        set_(self, "weight", check_int(self.weight, f"{name} 的分流权重", 1, 100))
        set_(self, "products", _tags(self.products, f"{name} 绑定的商品"))
        set_(self, "sources", _tags(self.sources, f"{name} 的咨询来源"))
        set_(self, "shift_hours", parse_hours(self.shift_hours, f"{name} 的班次时间").text)

    @property
    def shop(self) -> str:
        """The shop part of the name.

        >>> SubAccount("悦衣小铺:小林", "售前").shop
        '悦衣小铺'
        """
        return self.name.split(":", 1)[0]

    @property
    def nickname(self) -> str:
        """The nickname part of the name (what buyers see).

        >>> SubAccount("悦衣小铺：小林", "售前").nickname
        '小林'
        """
        return self.name.split(":", 1)[1]

    def to_dict(self) -> dict:
        """The account as plain JSON-ready data (the routing settings read this).

        >>> SubAccount("悦衣小铺:小林", "售前").to_dict()["products"]
        []
        """
        return {"name": self.name, "nickname": self.nickname, "group": self.group, "role": self.role,
                "permissions": list(self.permissions), "enabled": self.enabled,
                "max_concurrent": self.max_concurrent, "weight": self.weight, "products": list(self.products),
                "sources": list(self.sources), "shift_hours": self.shift_hours}

    @classmethod
    def from_dict(cls, data) -> "SubAccount":
        """An account from :meth:`to_dict` data (``nickname`` is derived from the name and ignored).

        >>> SubAccount.from_dict({"name": "悦衣小铺:小林", "group": "售后"}).role
        '客服'
        """
        if not isinstance(data, dict):
            raise InputError(f"子账号应是字典（name、group……），现在是 {type(data).__name__}。")
        data = {k: v for k, v in data.items() if k != "nickname"}
        check_fields(data, _FIELDS, "子账号")
        return cls(**data)


def _agent_accounts(shop: str) -> tuple:
    from ..datasets import load_agents

    out = []
    for row in load_agents().itertuples(index=False):
        role = _SUPERVISOR if row.group == _SUPERVISOR else "客服"
        extra = ("处理退款",) if row.group == "售后" else ()
        out.append(SubAccount(str(row.account).replace(SHOP_NAME, shop, 1), str(row.group), role,
                              ROLES[role] + extra, int(row.max_concurrent), row.status == "在职",
                              shift_hours=str(row.shift_hours)))
    return tuple(out)


class SubAccounts:
    """The shop's sub-accounts; every change is checked as a whole and not applied on error.

    >>> accounts = SubAccounts.default()
    >>> accounts.delete("小美", open_sessions={"悦衣小铺:小美": 2})
    Traceback (most recent call last):
    ...
    cslab.errors.InputError: 子账号 悦衣小铺:小美 还有 2 个进行中的会话，不能删除：请先把会话转交给其他客服，再删除。
    """

    def __init__(self, accounts=(), shop: str = SHOP_NAME):
        if not isinstance(accounts, (list, tuple)):
            raise InputError(f"子账号应是列表，现在是 {type(accounts).__name__}。")
        self.shop = check_text(shop, "店铺名", max_len=20)
        self._accounts = self._check(tuple(a if isinstance(a, SubAccount) else SubAccount.from_dict(a)
                                           for a in accounts))

    @classmethod
    def default(cls, shop: str = SHOP_NAME) -> "SubAccounts":
        """The shop's agents of ``data/agents.csv`` (在职 → enabled; 售后 may also 处理退款).

        >>> SubAccounts.default().get("米粒").enabled
        False
        """
        return cls(_agent_accounts(shop), shop)

    def _check(self, accounts: tuple) -> tuple:
        seen = set()
        for a in accounts:
            if a.shop != self.shop:
                raise InputError(f"子账号名“{a.name}”应以本店的店铺名开头：写成 {self.shop}:{a.nickname}。")
            key = a.name.casefold()
            if key in seen:
                raise InputError(f"子账号 {a.name} 已经存在了：子账号名不能重复，请换一个昵称。")
            seen.add(key)
        if accounts and not any(a.enabled and a.role == _SUPERVISOR for a in accounts):
            raise InputError("至少要有一个启用中的主管账号：请把一个子账号的角色设为“主管”并启用。")
        return accounts

    @property
    def accounts(self) -> tuple:
        """All accounts, in order."""
        return self._accounts

    def __iter__(self):
        return iter(self._accounts)

    def __len__(self):
        return len(self._accounts)

    def __repr__(self):
        on = sum(a.enabled for a in self._accounts)
        return f"SubAccounts({len(self._accounts)} 个子账号，{on} 个启用)"

    def full_name(self, name) -> str:
        """``name`` as ``店铺名:昵称`` (a bare nickname gets this shop's name in front).

        >>> SubAccounts.default().full_name("小林")
        '悦衣小铺:小林'
        """
        text = check_text(name, "子账号名", max_len=40).replace("：", ":")
        return text if ":" in text else f"{self.shop}:{text}"

    def get(self, name):
        """The account with this name or nickname (case ignored), or None.

        >>> SubAccounts.default().get("林姐").role
        '主管'
        """
        if not isinstance(name, str) or not name.strip():
            return None
        key = self.full_name(name).casefold()
        return next((a for a in self._accounts if a.name.casefold() == key), None)

    def _index(self, name) -> int:
        a = self.get(name)
        if a is None:
            names = "、".join(x.nickname for x in self._accounts) or "（还没有子账号）"
            raise InputError(f"没有子账号“{name}”：现有的子账号是 {names}。")
        return self._accounts.index(a)

    def _replace(self, i: int, new, action: str):
        old = self._accounts[i]
        items = self._accounts[:i] + ((new,) if new is not None else ()) + self._accounts[i + 1:]
        supervisors = [a for a in items if a.enabled and a.role == _SUPERVISOR]
        if old.enabled and old.role == _SUPERVISOR and not supervisors:
            raise InputError(f"{old.name} 是最后一个启用中的主管，不能{action}：请先把另一个子账号设为主管"
                             f"（role=\"主管\"）并启用，再{action}。")
        self._accounts = self._check(items)

    def create(self, name, group: str = "售前", role=None, **fields) -> SubAccount:
        """Create an account (``name`` may be just the nickname); returns it.

        Other fields: ``permissions``, ``max_concurrent`` (1–50), ``enabled``, ``weight``,
        ``products``, ``sources``, ``shift_hours``.

        >>> SubAccounts.default().create("悦衣小铺:阿宁", group="售后", max_concurrent=6).role
        '客服'
        """
        check_fields(fields, _FIELDS[3:], "子账号")
        account = SubAccount(self.full_name(name), group, role, **fields)
        self._accounts = self._check(self._accounts + (account,))
        return account

    def modify(self, account, /, **changes) -> SubAccount:
        """Change fields of an account (``name=`` renames; a new ``role`` without ``permissions`` gets the role's).

        >>> SubAccounts.default().modify("小美", max_concurrent=12).max_concurrent
        12
        """
        i = self._index(account)
        check_fields(changes, _FIELDS, "子账号")
        old = self._accounts[i]
        if "name" in changes:
            changes["name"] = self.full_name(changes["name"])
        if "role" in changes and "permissions" not in changes and changes["role"] != old.role:
            changes["permissions"] = None
        new = dataclasses.replace(old, **changes)
        self._replace(i, new, "改成客服" if new.role != _SUPERVISOR else "停用")
        return new

    def _sessions(self, account: SubAccount, open_sessions) -> int:
        if isinstance(open_sessions, dict):
            for key, value in open_sessions.items():
                if isinstance(key, str) and key.strip() and self.full_name(key).casefold() == account.name.casefold():
                    return check_int(value, f"{account.name} 的进行中会话数", 0, 10_000)
            return 0
        return check_int(open_sessions or 0, "进行中的会话数 open_sessions", 0, 10_000)

    def _no_sessions(self, account: SubAccount, open_sessions, action: str) -> None:
        n = self._sessions(account, open_sessions)
        if n:
            raise InputError(f"子账号 {account.name} 还有 {n} 个进行中的会话，不能{action}：请先把会话转交给其他客服，再{action}。")

    def disable(self, account, open_sessions=0) -> SubAccount:
        """Disable an account (it stops receiving chats); ``open_sessions``: a count or {name: count}.

        >>> SubAccounts.default().disable("小美").enabled
        False
        """
        i = self._index(account)
        old = self._accounts[i]
        self._no_sessions(old, open_sessions, "停用")
        new = dataclasses.replace(old, enabled=False)
        self._replace(i, new, "停用")
        return new

    def enable(self, account) -> SubAccount:
        """Enable an account again.

        >>> SubAccounts.default().enable("米粒").enabled
        True
        """
        i = self._index(account)
        new = dataclasses.replace(self._accounts[i], enabled=True)
        self._replace(i, new, "启用")
        return new

    def delete(self, account, open_sessions=0) -> SubAccount:
        """Delete an account; ``open_sessions``: a count or {name: count}; returns the deleted account.

        >>> SubAccounts.default().delete("米粒", open_sessions={"小美": 3}).name
        '悦衣小铺:米粒'
        """
        i = self._index(account)
        old = self._accounts[i]
        self._no_sessions(old, open_sessions, "删除")
        self._replace(i, None, "删除")
        return old

    def grant(self, account, *permissions) -> SubAccount:
        """Give an account more permissions.

        >>> SubAccounts.default().grant("小美", "修改价格").permissions
        ('接待', '查看订单', '修改备注', '修改价格')
        """
        a = self._accounts[self._index(account)]
        return self.modify(a.name, permissions=a.permissions + tuple(permissions))

    def revoke(self, account, *permissions) -> SubAccount:
        """Take permissions away from an account.

        >>> SubAccounts.default().revoke("小美", "修改备注").permissions
        ('接待', '查看订单')
        """
        a = self._accounts[self._index(account)]
        unknown = [p for p in permissions if p not in PERMISSIONS]
        if unknown:
            raise InputError(f"权限“{unknown[0]}”不存在：可选的权限有 {'、'.join(PERMISSIONS)}。")
        return self.modify(a.name, permissions=tuple(p for p in a.permissions if p not in permissions))

    def can(self, account, permission: str) -> bool:
        """Whether an enabled account has ``permission``.

        >>> SubAccounts.default().can("林姐", "分配会话")
        True
        """
        if permission not in PERMISSIONS:
            raise InputError(f"权限“{permission}”不存在：可选的权限有 {'、'.join(PERMISSIONS)}。")
        a = self._accounts[self._index(account)]
        return a.enabled and permission in a.permissions

    def enabled(self) -> list:
        """The enabled accounts, in order.

        >>> len(SubAccounts.default().enabled())
        8
        """
        return [a for a in self._accounts if a.enabled]

    def frame(self):
        """The accounts as a DataFrame with Chinese headers (子账号, 分组, 角色, 权限, 最大接待, 状态, 班次).

        >>> list(SubAccounts.default().frame().columns)[:3]
        ['子账号', '分组', '角色']
        """
        import pandas as pd

        rows = [{"子账号": a.name, "分组": a.group, "角色": a.role, "权限": "、".join(a.permissions),
                 "最大接待": a.max_concurrent, "状态": "启用" if a.enabled else "停用", "班次": a.shift_hours}
                for a in self._accounts]
        return pd.DataFrame(rows, columns=["子账号", "分组", "角色", "权限", "最大接待", "状态", "班次"])

    def to_dict(self) -> dict:
        """The accounts as plain JSON-ready data.

        >>> SubAccounts.default().to_dict()["accounts"][0]["name"]
        '悦衣小铺:小美'
        """
        return {"shop": self.shop, "accounts": [a.to_dict() for a in self._accounts]}

    @classmethod
    def from_dict(cls, data) -> "SubAccounts":
        """Accounts from :meth:`to_dict` data (checked; Chinese errors say what to fix).

        >>> len(SubAccounts.from_dict(SubAccounts.default().to_dict()))
        9
        """
        if not isinstance(data, dict) or not isinstance(data.get("accounts"), list):
            raise InputError("子账号设置应是字典：{\"shop\": \"悦衣小铺\", \"accounts\": [子账号……]}。")
        check_fields(data, ("shop", "accounts"), "子账号设置")
        return cls(data["accounts"], data.get("shop", SHOP_NAME))
