"""Plotly's own words in Chinese: the toolbar (modebar) tooltips and messages,
and the d3 number/date format of the charts, passed to every chart through the
plotly.js config (``locale`` + ``locales``, no global registration needed)."""
from __future__ import annotations

LOCALE = "zh-CN"

DICTIONARY: dict[str, str] = {
    "Autoscale": "自动缩放",
    "Box Select": "矩形框选",
    "Click to enter Colorscale title": "点击输入色阶标题",
    "Click to enter Plot title": "点击输入图表标题",
    "Click to enter X axis title": "点击输入横轴标题",
    "Click to enter Y axis title": "点击输入纵轴标题",
    "Click to enter radial axis title": "点击输入径向轴标题",
    "Compare data on hover": "悬停时比较数据",
    "Double-click on legend to isolate one trace": "双击图例只显示这一组数据",
    "Double-click to zoom back out": "双击恢复原来的缩放",
    "Download plot": "下载图表",
    "Download plot as a png": "下载图表（PNG）",
    "Download plot as a PNG": "下载图表（PNG）",
    "Edit in Chart Studio": "在 Chart Studio 中编辑",
    "IE only supports svg.  Changing format to svg.": "IE 只支持 SVG，已改为 SVG 格式。",
    "Lasso Select": "套索选择",
    "Orbital rotation": "轨道旋转",
    "Pan": "平移",
    "Produced with Plotly.js": "由 Plotly.js 生成",
    "Reset": "重置",
    "Reset axes": "重置坐标轴",
    "Reset camera to default": "镜头恢复默认",
    "Reset camera to last save": "镜头恢复上次保存",
    "Reset view": "重置视图",
    "Reset views": "重置视图",
    "Show closest data on hover": "悬停时显示最近的数据",
    "Snapshot succeeded": "已生成图片",
    "Sorry, there was a problem downloading your snapshot!": "抱歉，下载图片时出现问题！",
    "Taking snapshot - this may take a few seconds": "正在生成图片，请稍候",
    "Toggle Spike Lines": "显示/隐藏参考线",
    "Toggle show closest data on hover": "切换悬停显示方式",
    "Turntable rotation": "转盘旋转",
    "Zoom": "缩放",
    "Zoom in": "放大",
    "Zoom out": "缩小",
    "close": "收盘",
    "high": "最高",
    "low": "最低",
    "max": "最大值",
    "mean ± σ": "平均值 ± σ",
    "mean": "平均值",
    "median": "中位数",
    "min": "最小值",
    "new text": "新文本",
    "New text": "新文本",
    "open": "开盘",
    "q1": "下四分位数",
    "q3": "上四分位数",
    "trace": "数据",
    "Trace": "数据",
    "upper fence": "上限",
    "lower fence": "下限",
}

FORMAT: dict[str, object] = {
    "days": ["星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"],
    "shortDays": ["周日", "周一", "周二", "周三", "周四", "周五", "周六"],
    "months": ["1月", "2月", "3月", "4月", "5月", "6月", "7月", "8月", "9月", "10月", "11月", "12月"],
    "shortMonths": ["1月", "2月", "3月", "4月", "5月", "6月", "7月", "8月", "9月", "10月", "11月", "12月"],
    "date": "%Y年%-m月%-d日",
    "decimal": ".",
    "thousands": ",",
    "grouping": [3],
    "currency": ["¥", ""],
    "periods": ["上午", "下午"],
    "year": "%Y年",
    "month": "%Y年%-m月",
    "dayMonth": "%-m月%-d日",
    "dayMonthYear": "%Y年%-m月%-d日",
}


def config(**extra) -> dict:
    """The plotly.js config of every chart: Chinese toolbar, no Plotly logo,
    no lasso/box select (nothing on these charts uses a selection)."""
    return {
        "displaylogo": False,
        "modeBarButtonsToRemove": ["lasso2d", "select2d"],
        "locale": LOCALE,
        "locales": {LOCALE: {"dictionary": DICTIONARY, "format": FORMAT}},
        **extra,
    }


__all__ = ["LOCALE", "DICTIONARY", "FORMAT", "config"]
